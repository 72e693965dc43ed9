//! A structural check of an ELF shared library against the length of its bytes, run
//! before the dynamic loader sees them: `dlopen` maps every `PT_LOAD` segment of a file
//! and trusts its headers, so a truncated library maps pages past the end of the file and
//! the first touch of one kills the process with SIGBUS. Checking that every table and
//! segment lies inside the bytes turns that into an error.

/// Checks the bytes of a library; `Err` is the cause, worded for
/// [`LoadError::NotAPlugin`](super::LoadError::NotAPlugin).
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let len = bytes.len();
    if len < 16 || bytes[..4] != *b"\x7fELF" {
        return Err(format!(
            "it is not an ELF shared library (no ELF magic number in its {len} bytes)"
        ));
    }
    let layout = match bytes[4] {
        1 => &ELF32,
        2 => &ELF64,
        other => return Err(format!("its ELF class {other} is neither 32- nor 64-bit")),
    };
    let host = if cfg!(target_pointer_width = "64") {
        &ELF64
    } else {
        &ELF32
    };
    if layout.bits != host.bits {
        return Err(format!(
            "it is a {}-bit library, this host is {}-bit",
            layout.bits, host.bits
        ));
    }
    let little = match bytes[5] {
        1 => true,
        2 => false,
        other => return Err(format!("its ELF data encoding {other} is unknown")),
    };
    if little != cfg!(target_endian = "little") {
        return Err("it is built for the other byte order than this host".into());
    }
    let r = Reader { bytes, little };
    if len < layout.header {
        return Err(truncated("the ELF header", 0, layout.header as u64, len));
    }
    let field = |at: usize| r.word(at, layout);
    let (phoff, shoff) = (field(layout.phoff)?, field(layout.phoff + layout.word)?);
    let flags_end = layout.phoff + 2 * layout.word + 4;
    let (phentsize, phnum) = (r.u16(flags_end + 2)?, r.u16(flags_end + 4)?);
    let (shentsize, shnum) = (r.u16(flags_end + 6)?, r.u16(flags_end + 8)?);

    if phnum > 0 {
        if (phentsize as usize) < layout.phent {
            return Err(format!(
                "its program headers are {phentsize} bytes, too short"
            ));
        }
        table(
            "the program header table",
            phoff,
            phentsize,
            phnum as u64,
            len,
        )?;
    }
    for i in 0..phnum as u64 {
        let at = to_usize(phoff + i * phentsize as u64)?;
        let kind = r.u32(at)?;
        let (offset, filesz) = (
            r.word(at + layout.p_offset, layout)?,
            r.word(at + layout.p_filesz, layout)?,
        );
        let what = if kind == PT_LOAD {
            format!("loadable segment {i}")
        } else {
            format!("segment {i} (type {kind:#x})")
        };
        inside(&what, offset, filesz, len)?;
    }

    if shoff != 0 {
        // With 0 sections in the header, the real count is the size of section 0
        // (extended numbering, for more than 0xff00 sections).
        let count = if shnum == 0 {
            table("the section header table", shoff, shentsize, 1, len)?;
            r.word(to_usize(shoff)? + layout.sh_size, layout)?
        } else {
            shnum as u64
        };
        if (shentsize as usize) < layout.shent {
            return Err(format!(
                "its section headers are {shentsize} bytes, too short"
            ));
        }
        table("the section header table", shoff, shentsize, count, len)?;
        for i in 0..count {
            let at = to_usize(shoff + i * shentsize as u64)?;
            // SHT_NOBITS (.bss) occupies no bytes of the file.
            if r.u32(at + 4)? == SHT_NOBITS {
                continue;
            }
            let (offset, size) = (
                r.word(at + layout.sh_offset, layout)?,
                r.word(at + layout.sh_size, layout)?,
            );
            inside(&format!("section {i}"), offset, size, len)?;
        }
    }
    Ok(())
}

const PT_LOAD: u32 = 1;
const SHT_NOBITS: u32 = 8;

/// Offsets of the fields the check reads, per ELF class.
struct Layout {
    bits: u32,
    /// Size of an address / offset field.
    word: usize,
    /// Size of the ELF header.
    header: usize,
    /// Offset of `e_phoff` (followed by `e_shoff`, `e_flags`, `e_ehsize`, then the
    /// entry sizes and counts).
    phoff: usize,
    /// Minimum size of a program header / section header.
    phent: usize,
    shent: usize,
    p_offset: usize,
    p_filesz: usize,
    sh_offset: usize,
    sh_size: usize,
}

const ELF32: Layout = Layout {
    bits: 32,
    word: 4,
    header: 52,
    phoff: 28,
    phent: 32,
    shent: 40,
    p_offset: 4,
    p_filesz: 16,
    sh_offset: 16,
    sh_size: 20,
};

const ELF64: Layout = Layout {
    bits: 64,
    word: 8,
    header: 64,
    phoff: 32,
    phent: 56,
    shent: 64,
    p_offset: 8,
    p_filesz: 32,
    sh_offset: 24,
    sh_size: 32,
};

/// Bounds-checked little- or big-endian reads.
struct Reader<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl Reader<'_> {
    fn read<const N: usize>(&self, at: usize) -> Result<[u8; N], String> {
        at.checked_add(N)
            .and_then(|end| self.bytes.get(at..end))
            .and_then(|s| <[u8; N]>::try_from(s).ok())
            .ok_or_else(|| truncated("a header field", at as u64, N as u64, self.bytes.len()))
    }

    /// `N` bytes at `at` as a number in the file's byte order.
    fn num<const N: usize, T>(
        &self,
        at: usize,
        le: fn([u8; N]) -> T,
        be: fn([u8; N]) -> T,
    ) -> Result<T, String> {
        let b = self.read::<N>(at)?;
        Ok(if self.little { le(b) } else { be(b) })
    }

    fn u16(&self, at: usize) -> Result<u16, String> {
        self.num(at, u16::from_le_bytes, u16::from_be_bytes)
    }

    fn u32(&self, at: usize) -> Result<u32, String> {
        self.num(at, u32::from_le_bytes, u32::from_be_bytes)
    }

    /// An address or offset: 4 bytes in ELF32, 8 in ELF64.
    fn word(&self, at: usize, layout: &Layout) -> Result<u64, String> {
        if layout.word == 4 {
            return self.u32(at).map(u64::from);
        }
        self.num(at, u64::from_le_bytes, u64::from_be_bytes)
    }
}

/// A table of `count` entries of `size` bytes at `offset` lies inside the file.
fn table(what: &str, offset: u64, size: u16, count: u64, len: usize) -> Result<(), String> {
    let bytes = count
        .checked_mul(size as u64)
        .ok_or_else(|| format!("{what} has an impossible size"))?;
    inside(what, offset, bytes, len)
}

/// `size` bytes at `offset` lie inside a file of `len` bytes.
fn inside(what: &str, offset: u64, size: u64, len: usize) -> Result<(), String> {
    match offset.checked_add(size) {
        Some(end) if end <= len as u64 => Ok(()),
        _ => Err(truncated(what, offset, size, len)),
    }
}

fn truncated(what: &str, offset: u64, size: u64, len: usize) -> String {
    format!(
        "it is truncated or corrupt: {what} (bytes {offset}..{}) runs past the end of the \
         file ({len} bytes); reinstall or rebuild the library",
        offset.saturating_add(size)
    )
}

fn to_usize(v: u64) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| format!("offset {v} does not fit this host"))
}

#[cfg(test)]
mod tests {
    use super::check;

    /// The smallest well-formed ELF64 header of this host's byte order: no program or
    /// section headers.
    fn header() -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(b"\x7fELF");
        h[4] = 2;
        h[5] = if cfg!(target_endian = "little") { 1 } else { 2 };
        h
    }

    #[test]
    fn empty_header_passes_and_short_input_fails() {
        if cfg!(target_pointer_width = "64") {
            assert_eq!(check(&header()), Ok(()));
            assert!(check(&header()[..63]).unwrap_err().contains("truncated"));
        }
        assert!(check(b"hello").unwrap_err().contains("no ELF magic"));
    }

    #[test]
    fn program_headers_past_the_end_fail() {
        if !cfg!(target_pointer_width = "64") || cfg!(target_endian = "big") {
            return;
        }
        let mut h = header();
        h[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        h[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        h[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        let e = check(&h).unwrap_err();
        assert!(e.contains("program header table"), "{e}");
        // One PT_LOAD segment whose file range ends past the file.
        let mut ph = vec![0u8; 56];
        ph[..4].copy_from_slice(&1u32.to_le_bytes());
        ph[32..40].copy_from_slice(&1000u64.to_le_bytes()); // p_filesz
        h.extend(ph);
        let e = check(&h).unwrap_err();
        assert!(e.contains("loadable segment 0"), "{e}");
    }
}
