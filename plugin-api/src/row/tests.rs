//! The column builder keeps each cell's type: text only from `&str`, bytes only as bytes.

use super::*;

fn rows_of(col: Column) -> Rows {
    let len = col.len;
    Rows::new(
        vec!["c".into()],
        vec![RowBatch {
            columns: vec![col].into(),
            len,
        }],
    )
}

#[test]
fn each_heap_kind_stores_its_own_push_natively() {
    let mut text = ColumnBuilder::new(ColumnKind::TEXT);
    text.push_text("héllo");
    text.push_null();
    let mut decimal = ColumnBuilder::new(ColumnKind::DECIMAL);
    decimal.push_text("12.50");
    let mut json = ColumnBuilder::new(ColumnKind::JSON);
    json.push_text(r#"{"a":1}"#);
    let mut bytes = ColumnBuilder::new(ColumnKind::BYTES);
    bytes.push_bytes(&[0xff, 0x00]);
    let mut uuid = ColumnBuilder::new(ColumnKind::UUID);
    uuid.push_uuid(&[9; 16]);
    let cases = [
        (text.finish(), ColumnKind::TEXT, Cell::Text("héllo")),
        (
            decimal.finish(),
            ColumnKind::DECIMAL,
            Cell::Decimal("12.50"),
        ),
        (json.finish(), ColumnKind::JSON, Cell::Json(r#"{"a":1}"#)),
        (
            bytes.finish(),
            ColumnKind::BYTES,
            Cell::Bytes(&[0xff, 0x00]),
        ),
        (uuid.finish(), ColumnKind::UUID, Cell::Uuid([9; 16])),
    ];
    for (col, kind, first) in cases {
        assert_eq!(col.kind, kind, "no mixed column for a matching push");
        assert!(col.values.is_empty());
        assert_eq!(col.cell(0), Ok(first));
    }
}

#[test]
fn bytes_pushed_into_a_text_column_stay_bytes_never_text() {
    let mut b = ColumnBuilder::new(ColumnKind::TEXT);
    b.push_text("ok");
    b.push_bytes(&[0xc3, 0x28]); // invalid UTF-8
    b.push_text("after");
    let col = b.finish();
    assert_eq!(col.kind, ColumnKind::MIXED);
    assert_eq!(col.cell(0), Ok(Cell::Text("ok")));
    assert_eq!(col.cell(1), Ok(Cell::Bytes(&[0xc3, 0x28])));
    assert_eq!(col.cell(2), Ok(Cell::Text("after")));
    let rows = rows_of(col);
    let second = rows.row(1).unwrap();
    let e = second.get::<String>("c").unwrap_err();
    assert!(
        matches!(&e, DbError::Decode { detail } if detail.contains("UTF-8")),
        "{e}"
    );
    assert_eq!(second.get::<Vec<u8>>("c"), Ok(vec![0xc3, 0x28]));
}

#[test]
fn text_pushed_into_a_bytes_or_uuid_column_stays_text() {
    for kind in [ColumnKind::BYTES, ColumnKind::UUID, ColumnKind::I64] {
        let mut b = ColumnBuilder::new(kind);
        b.push_text("plain");
        let col = b.finish();
        assert_eq!(col.kind, ColumnKind::MIXED, "{kind:?}");
        assert_eq!(col.cell(0), Ok(Cell::Text("plain")), "{kind:?}");
    }
    // A UUID cell in a text column keeps its type too, and reads as its canonical text.
    let mut b = ColumnBuilder::new(ColumnKind::TEXT);
    b.push_uuid(&[0xab; 16]);
    let rows = rows_of(b.finish());
    let row = rows.row(0).unwrap();
    assert_eq!(row.cell(0), Ok(Cell::Uuid([0xab; 16])));
    assert_eq!(
        row.get::<String>("c").as_deref(),
        Ok("abababab-abab-abab-abab-abababababab")
    );
}

#[test]
fn a_uuid_cell_of_the_wrong_length_is_an_error_not_a_nil_uuid() {
    // As a buggy plugin could hand it over: one 3-byte cell in a UUID column.
    let col = Column {
        kind: ColumnKind::UUID,
        nulls: List::new(),
        ints: List::new(),
        floats: List::new(),
        heap: vec![1u8, 2, 3].into(),
        offsets: vec![0u32, 3].into(),
        values: List::new(),
        len: 1,
    };
    assert!(matches!(col.cell(0), Err(DbError::Decode { .. })));
}

#[test]
fn invalid_utf8_in_a_hand_built_text_column_is_an_error() {
    let col = Column {
        kind: ColumnKind::TEXT,
        nulls: List::new(),
        ints: List::new(),
        floats: List::new(),
        heap: vec![0xffu8].into(),
        offsets: vec![0u32, 1].into(),
        values: List::new(),
        len: 1,
    };
    assert!(matches!(col.cell(0), Err(DbError::Decode { .. })));
}
