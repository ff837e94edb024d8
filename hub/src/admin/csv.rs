//! A small RFC 4180 CSV reader for roster uploads: comma-separated fields,
//! CRLF or LF line ends, double-quoted fields that may hold commas, line
//! breaks and doubled quotes (`""`), an optional UTF-8 byte-order mark (as
//! spreadsheet programs write), blank lines ignored.
//!
//! Anything else that is malformed (a quote inside an unquoted field, text
//! after a closing quote, an unterminated quote) is an error rather than a
//! guess: a roster that parses wrongly would give workers the wrong cards.

/// Why a CSV text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A quote character inside an unquoted field, or text after a closing quote.
    #[error("stray quote or text after a closing quote on record {record}")]
    StrayQuote { record: usize },
    /// The text ended inside a quoted field.
    #[error("unterminated quoted field on record {record}")]
    UnterminatedQuote { record: usize },
}

/// A field for CSV output: quoted when it holds a comma, a quote or a line
/// break, and prefixed with `'` when a spreadsheet would read it as a formula.
pub(crate) fn quote(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_owned() };
    if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field }
}

/// Splits CSV text into records of fields.
pub fn parse_records(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    // Whether the current field opened with a quote, and whether that quote closed.
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();

    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                finish_record(&mut records, &mut record, &mut field, quoted);
                quoted = false;
            }
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
            }
            _ if quoted || c == '"' => {
                return Err(CsvError::StrayQuote { record: records.len() + 1 });
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError::UnterminatedQuote { record: records.len() + 1 });
    }
    finish_record(&mut records, &mut record, &mut field, quoted);
    Ok(records)
}

/// Ends the current record; a line with nothing on it is not a record.
fn finish_record(records: &mut Vec<Vec<String>>, record: &mut Vec<String>, field: &mut String, quoted: bool) {
    let blank_line = record.is_empty() && field.is_empty() && !quoted;
    record.push(std::mem::take(field));
    let finished = std::mem::take(record);
    if !blank_line {
        records.push(finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_fields_are_quoted_and_never_read_as_formulas() {
        assert_eq!(quote("fire-safety"), "fire-safety");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(quote("-1,2"), "\"'-1,2\"");
    }
    use proptest::prelude::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        parse_records(text).unwrap()
    }

    #[test]
    fn plain_fields_split_on_commas_and_lines() {
        assert_eq!(rows("a,b,c\n1,2,3\n"), vec![vec!["a", "b", "c"], vec!["1", "2", "3"]]);
        assert_eq!(rows("a,b\r\n1,2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        assert_eq!(
            rows("\"Tran, Thi\",\"say \"\"hi\"\"\",\"two\nlines\"\n"),
            vec![vec!["Tran, Thi", "say \"hi\"", "two\nlines"]]
        );
    }

    #[test]
    fn a_byte_order_mark_and_blank_lines_are_ignored() {
        assert_eq!(rows("\u{feff}a,b\n\n1,2\n\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn empty_fields_are_kept() {
        assert_eq!(rows("a,,\n"), vec![vec!["a", "", ""]]);
        assert_eq!(rows("\"\"\n"), vec![vec![""]]);
    }

    #[test]
    fn malformed_quoting_is_refused() {
        assert_eq!(parse_records("a,b\"c\n"), Err(CsvError::StrayQuote { record: 1 }));
        assert_eq!(parse_records("a\n\"ab\"c\n"), Err(CsvError::StrayQuote { record: 2 }));
        assert_eq!(parse_records("\"open\n"), Err(CsvError::UnterminatedQuote { record: 1 }));
    }

    fn write_field(field: &str) -> String {
        format!("\"{}\"", field.replace('"', "\"\""))
    }

    proptest! {
        #[test]
        fn quoted_records_round_trip(
            records in prop::collection::vec(prop::collection::vec(".{0,12}", 1..5), 1..6)
        ) {
            let text: String = records
                .iter()
                .map(|record| record.iter().map(|field| write_field(field)).collect::<Vec<_>>().join(","))
                .collect::<Vec<_>>()
                .join("\r\n");
            prop_assert_eq!(parse_records(&text).unwrap(), records);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC*") {
            let _ = parse_records(&text);
        }
    }
}
