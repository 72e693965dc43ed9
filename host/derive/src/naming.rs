//! GORM's naming strategy: `snake_case` column names (`toDBName`) and upper snake case
//! for the typed column handles.

/// Go's common initialisms, each replaced by its Title-case form before snake-casing
/// (`HTTPServer` → `HttpServer` → `http_server`). At a given position the first entry of
/// this list that matches wins, as with Go's `strings.NewReplacer`.
const INITIALISMS: &[&str] = &[
    "API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS", "ID", "IP",
    "JSON", "LHS", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SSH", "TLS", "TTL", "UID", "UI",
    "UUID", "URI", "URL", "UTF8", "VM", "XML", "XSRF", "XSS",
];

/// Replaces every initialism by its Title-case form, left to right, without overlaps.
fn title_initialisms(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    'scan: while let Some(c) = rest.chars().next() {
        for word in INITIALISMS {
            if let Some(tail) = rest.strip_prefix(word) {
                let mut chars = word.chars();
                out.extend(chars.next());
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
                rest = tail;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// GORM's `toDBName`: the column (or table stem) for a Rust or Go name.
///
/// An upper-case letter is lowered and gets an `_` before it unless it is the first
/// character, borders an `_`, or sits inside an upper-case run that continues into another
/// upper-case letter or a digit (`PFAndESI` → `pf_and_esi`).
pub(crate) fn snake_case(name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let value: Vec<char> = title_initialisms(name).chars().collect();
    let upper = |c: char| c.is_ascii_uppercase();
    let mut out = String::with_capacity(value.len() + 4);
    let mut last_case = false;
    let mut cur_case = upper(value[0]);
    let last = value.len() - 1;
    for i in 0..last {
        let v = value[i];
        let next = value[i + 1];
        let next_case = upper(next);
        let next_number = next.is_ascii_digit();
        if cur_case {
            if !(last_case && (next_case || next_number))
                && i > 0
                && value[i - 1] != '_'
                && next != '_'
            {
                out.push('_');
            }
            out.push(v.to_ascii_lowercase());
        } else {
            out.push(v);
        }
        last_case = cur_case;
        cur_case = next_case;
    }
    if cur_case {
        if !last_case && value.len() > 1 {
            out.push('_');
        }
        out.push(value[last].to_ascii_lowercase());
    } else {
        out.push(value[last]);
    }
    out
}

/// The name of a field's typed column handle: `created_at` → `CREATED_AT`.
pub(crate) fn upper_snake_case(name: &str) -> String {
    snake_case(name).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The golden table of GORM's `naming_test.go` (spec/conventions.md §1.1).
    #[test]
    fn gorm_golden_names() {
        let cases = [
            ("x", "x"),
            ("X", "x"),
            ("userRestrictions", "user_restrictions"),
            ("ThisIsATest", "this_is_a_test"),
            ("PFAndESI", "pf_and_esi"),
            ("AbcAndJkl", "abc_and_jkl"),
            ("EmployeeID", "employee_id"),
            ("SKU_ID", "sku_id"),
            ("FieldX", "field_x"),
            ("HTTPAndSMTP", "http_and_smtp"),
            (
                "HTTPServerHandlerForURLID",
                "http_server_handler_for_url_id",
            ),
            ("UUID", "uuid"),
            ("HTTPURL", "http_url"),
            ("HTTP_URL", "http_url"),
            ("SHA256Hash", "sha256_hash"),
            ("SHA256HASH", "sha256_hash"),
            ("CreatedAt", "created_at"),
        ];
        for (name, column) in cases {
            assert_eq!(snake_case(name), column, "snake_case({name:?})");
        }
    }

    #[test]
    fn rust_names_stay_as_they_are() {
        for name in ["created_at", "id", "price", "user_id", "a1_b2"] {
            assert_eq!(snake_case(name), name);
        }
        assert_eq!(snake_case(""), "");
    }

    #[test]
    fn handle_names() {
        assert_eq!(upper_snake_case("created_at"), "CREATED_AT");
        assert_eq!(upper_snake_case("age"), "AGE");
    }
}
