//! Plain-text tables for the terminal.

use plugorm::{plugin_api::Cell, Rows};

/// Renders a header and rows as an aligned table.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// One cell as text.
pub fn cell_text(cell: Cell<'_>) -> String {
    match cell {
        Cell::Null => "NULL".into(),
        Cell::Bool(b) => b.to_string(),
        Cell::I64(i) => i.to_string(),
        Cell::F64(f) => f.to_string(),
        Cell::Text(s) | Cell::Decimal(s) | Cell::Json(s) => s.to_string(),
        Cell::Uuid(u) => plugorm::plugin_api::value::uuid_text(&u),
        Cell::Bytes(b) => {
            format!(
                "\\x{}",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            )
        }
        Cell::Date(d) => d.to_string(),
        Cell::Time(t) => t.to_string(),
        Cell::Timestamp(t) => t.to_string(),
    }
}

/// Query rows as a table.
pub fn rows(rows: &Rows) -> String {
    let header: Vec<&str> = rows.column_names().collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            (0..header.len())
                .map(|i| {
                    r.cell(i)
                        .map(cell_text)
                        .unwrap_or_else(|e| format!("<{e}>"))
                })
                .collect()
        })
        .collect();
    render(&header, &body)
}
