//! Reading a plugin library once: the bytes that are checked (permissions, `sha256`
//! pin, ELF structure) are exactly the bytes that are loaded, because the loader maps a
//! private copy of them rather than opening the configured path a second time (a swap of
//! the file between the check and the load would otherwise load an unchecked library).

use std::{
    io::{Read, Write},
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

use super::LoadError;

/// A library file opened once and checked through its descriptor; everything later
/// (reading, hashing, loading) goes through this descriptor, never the path again.
pub(crate) struct OpenLibrary {
    file: std::fs::File,
    /// Which file, in which version, this is (see [`Identity`]).
    pub identity: Identity,
}

/// The identity of a file's content as the kernel reports it for an open descriptor:
/// device, inode, size and modification/change times. Any write to the file changes its
/// change time (which no user can set back), so equal identities mean equal bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Identity([i128; 5]);

impl OpenLibrary {
    /// Opens `path`; it must be a regular file and, unless `allow_writable`, it and its
    /// folders must be safe from other users.
    pub(crate) fn open(
        plugin: &str,
        path: &Path,
        allow_writable: bool,
    ) -> Result<OpenLibrary, LoadError> {
        let file = open_no_block(path).map_err(|e| cannot_read(plugin, path, e))?;
        // fstat of the open descriptor: describes the file that will be read, whatever
        // the path points at by now.
        let meta = file.metadata().map_err(|e| cannot_read(plugin, path, e))?;
        if meta.is_dir() {
            return Err(not_a_plugin(
                plugin,
                path,
                "it is a directory, not a library file",
            ));
        }
        if !meta.is_file() {
            return Err(not_a_plugin(
                plugin,
                path,
                "it is not a regular file (a device, socket or pipe?)",
            ));
        }
        if !allow_writable {
            permissions::check(plugin, path, &meta)?;
        }
        Ok(OpenLibrary {
            identity: identity(&meta),
            file,
        })
    }

    /// All the bytes of the file, read from the open descriptor.
    pub(crate) fn read(&mut self, plugin: &str, path: &Path) -> Result<Vec<u8>, LoadError> {
        let mut bytes = Vec::new();
        self.file
            .read_to_end(&mut bytes)
            .map_err(|e| cannot_read(plugin, path, e))?;
        Ok(bytes)
    }
}

/// The SHA-256 of `bytes` in lowercase hex, as `sha256` pins are written.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses a library whose bytes hash to `actual` when the configuration pins another.
pub(crate) fn check_pin(
    plugin: &str,
    path: &Path,
    expected: &str,
    actual: &str,
) -> Result<(), LoadError> {
    if actual == expected {
        return Ok(());
    }
    Err(LoadError::HashMismatch {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        expected: expected.to_string(),
        actual: actual.to_string(),
    })
}

/// Refuses bytes that are not a complete shared library of this platform, before the
/// dynamic loader maps them (see [`super::elf`]).
pub(crate) fn check_structure(plugin: &str, path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    if cfg!(all(unix, not(target_vendor = "apple"))) {
        super::elf::check(bytes)
            .map_err(|cause| not_a_plugin(plugin, path, &format!("cannot be opened: {cause}")))?;
    }
    Ok(())
}

fn not_a_plugin(plugin: &str, path: &Path, cause: &str) -> LoadError {
    LoadError::NotAPlugin {
        plugin: plugin.to_string(),
        path: path.to_path_buf(),
        cause: cause.to_string(),
    }
}

fn cannot_read(plugin: &str, path: &Path, e: std::io::Error) -> LoadError {
    not_a_plugin(plugin, path, &format!("cannot read it: {e}"))
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    let nanos = |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
    Identity([
        i128::from(meta.dev()),
        i128::from(meta.ino()),
        i128::from(meta.size()),
        nanos(meta.mtime(), meta.mtime_nsec()),
        nanos(meta.ctime(), meta.ctime_nsec()),
    ])
}

#[cfg(not(unix))]
fn identity(meta: &std::fs::Metadata) -> Identity {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Identity([0, 0, i128::from(meta.len()), modified, 0])
}

/// Opens for reading without blocking on a FIFO put where the library should be (the
/// file type is checked on the open descriptor right after).
fn open_no_block(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// A copy of verified bytes in a folder only this user can enter (mode 0700), named like
/// the original; the folder and the copy are removed when this is dropped — once the
/// library is mapped (libraries are never unloaded), the file is no longer needed.
pub(crate) struct PrivateCopy {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl PrivateCopy {
    pub(crate) fn write(original: &Path, bytes: &[u8]) -> std::io::Result<PrivateCopy> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("plugorm-plugin-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir()?;
        let name = original
            .file_name()
            .map_or_else(|| "plugin".into(), |n| n.to_os_string());
        let path = dir.path().join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o500);
        }
        let mut file = options.open(&path)?;
        file.write_all(bytes)?;
        Ok(PrivateCopy { _dir: dir, path })
    }
}

#[cfg(unix)]
mod permissions {
    use std::{
        os::unix::fs::{MetadataExt, PermissionsExt},
        path::Path,
    };

    use super::LoadError;

    const GROUP_OR_OTHER_WRITE: u32 = 0o022;
    const STICKY: u32 = 0o1000;

    /// The library (its open descriptor's metadata) and every folder above it must be
    /// writable only by their owner — a sticky folder such as /tmp is fine, others can't
    /// rename what they don't own in it — and owned by root or the current user.
    pub(super) fn check(
        plugin: &str,
        path: &Path,
        file: &std::fs::Metadata,
    ) -> Result<(), LoadError> {
        let me = current_uid();
        judge(plugin, path, file, me, false)?;
        // The real location: a symlinked folder must not hide a writable one.
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        for dir in real.ancestors().skip(1) {
            if dir.as_os_str().is_empty() {
                continue;
            }
            // A folder that can't be read is skipped: its permissions can't be judged,
            // and the library was readable through it.
            if let Ok(meta) = std::fs::metadata(dir) {
                judge(plugin, dir, &meta, me, true)?;
            }
        }
        Ok(())
    }

    fn judge(
        plugin: &str,
        path: &Path,
        meta: &std::fs::Metadata,
        me: u32,
        folder: bool,
    ) -> Result<(), LoadError> {
        let mode = meta.permissions().mode() & 0o7777;
        let problem = if mode & GROUP_OR_OTHER_WRITE != 0 && !(folder && mode & STICKY != 0) {
            Some(if folder {
                "this folder of the library is writable by group or others".to_string()
            } else {
                "it is writable by group or others".to_string()
            })
        } else if meta.uid() != 0 && meta.uid() != me {
            Some(format!(
                "it is owned by uid {}, neither root nor the current user (uid {me})",
                meta.uid()
            ))
        } else {
            None
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(LoadError::UnsafePermissions {
                plugin: plugin.to_string(),
                path: path.to_path_buf(),
                mode,
                problem,
            }),
        }
    }

    fn current_uid() -> u32 {
        // SAFETY: geteuid has no preconditions, touches no memory and cannot fail.
        unsafe { libc::geteuid() }
    }
}

#[cfg(not(unix))]
mod permissions {
    use std::path::Path;

    use super::LoadError;

    /// Windows ACLs are not judged here.
    pub(super) fn check(_: &str, _: &Path, _: &std::fs::Metadata) -> Result<(), LoadError> {
        Ok(())
    }
}
