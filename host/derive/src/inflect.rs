//! English plurals for table names, following the rules GORM uses (the `jinzhu/inflection`
//! package): uncountable words, then irregular suffixes, then the plural rules from the
//! most specific to the catch-all `+s`. A name ending in anything but a letter (`user2`)
//! matches no rule and stays as it is.

/// Words with no plural (matched against the whole name).
const UNCOUNTABLE: &[&str] = &[
    "equipment",
    "information",
    "rice",
    "money",
    "species",
    "series",
    "fish",
    "sheep",
    "jeans",
    "police",
    "milk",
    "salt",
    "time",
    "water",
    "paper",
    "food",
    "art",
    "cash",
    "music",
    "help",
    "luck",
    "oil",
    "progress",
    "rain",
    "research",
    "shopping",
    "software",
    "traffic",
];

/// Irregular singular → plural suffixes (`salesperson` → `salespeople`).
const IRREGULAR: &[(&str, &str)] = &[
    ("person", "people"),
    ("man", "men"),
    ("child", "children"),
    ("sex", "sexes"),
    ("move", "moves"),
    ("mombie", "mombies"),
];

/// `word` with its last `cut` bytes replaced by `with`.
fn replace_tail(word: &str, cut: usize, with: &str) -> String {
    format!("{}{with}", &word[..word.len() - cut])
}

/// The character before the last `n` bytes, if any.
fn char_before(word: &str, n: usize) -> Option<char> {
    word.get(..word.len().checked_sub(n)?)?.chars().next_back()
}

/// The plural of a snake-case name (`user` → `users`, `company` → `companies`,
/// `user_index` → `user_indices`, `person` → `people`).
pub(crate) fn plural(word: &str) -> String {
    if word.is_empty() || UNCOUNTABLE.iter().any(|u| word.eq_ignore_ascii_case(u)) {
        return word.to_string();
    }
    for (singular, plural) in IRREGULAR {
        if word.ends_with(singular) {
            return replace_tail(word, singular.len(), plural);
        }
    }
    let ends = |s: &str| word.ends_with(s);
    let any_end = |list: &[&str]| list.iter().any(|s| word.ends_with(s));
    // The rules of `jinzhu/inflection`, in the order they are tried.
    if ends("drive") || ends("hive") {
        return format!("{word}s");
    }
    if ends("quiz") {
        return format!("{word}zes");
    }
    match word {
        "oxen" | "mice" | "lice" => return word.to_string(),
        "ox" => return "oxen".to_string(),
        "mouse" => return "mice".to_string(),
        "louse" => return "lice".to_string(),
        _ => {}
    }
    if any_end(&["matrix", "matrex", "vertix", "vertex", "indix", "index"]) {
        return replace_tail(word, 2, "ices");
    }
    if any_end(&["x", "ch", "ss", "sh"]) {
        return format!("{word}es");
    }
    if ends("y") {
        let before = char_before(word, 1);
        if before.is_some_and(|c| !"aeiouy".contains(c)) || ends("quy") {
            return replace_tail(word, 1, "ies");
        }
    }
    if ends("fe") && char_before(word, 2).is_some_and(|c| c != 'f') {
        return replace_tail(word, 2, "ves");
    }
    if ends("lf") || ends("rf") {
        return replace_tail(word, 1, "ves");
    }
    if ends("sis") {
        return replace_tail(word, 3, "ses");
    }
    if any_end(&["ta", "ia"]) {
        return word.to_string();
    }
    if any_end(&["tum", "ium"]) {
        return replace_tail(word, 2, "a");
    }
    if any_end(&["buffalo", "tomato", "bus", "alias", "status", "campus"]) {
        return format!("{word}es");
    }
    if any_end(&["octopi", "viri"]) {
        return word.to_string();
    }
    if any_end(&["octopus", "virus"]) {
        return replace_tail(word, 2, "i");
    }
    match word {
        "axis" => return "axes".to_string(),
        "testis" => return "testes".to_string(),
        _ => {}
    }
    if ends("s") {
        return word.to_string();
    }
    if word
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return format!("{word}s");
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn spec_examples() {
        // spec/conventions.md §1.2
        for (one, many) in [
            ("user", "users"),
            ("language", "languages"),
            ("company", "companies"),
            ("user_index", "user_indices"),
            ("person", "people"),
            ("user2", "user2"),
        ] {
            assert_eq!(plural(one), many, "plural({one:?})");
        }
    }

    #[test]
    fn inflection_rules() {
        for (one, many) in [
            ("product", "products"),
            ("box", "boxes"),
            ("church", "churches"),
            ("class", "classes"),
            ("dish", "dishes"),
            ("day", "days"),
            ("category", "categories"),
            ("soliloquy", "soliloquies"),
            ("quiz", "quizzes"),
            ("knife", "knives"),
            ("wolf", "wolves"),
            ("analysis", "analyses"),
            ("medium", "media"),
            ("datum", "data"),
            ("data", "data"),
            ("tomato", "tomatoes"),
            ("bus", "buses"),
            ("status", "statuses"),
            ("order_status", "order_statuses"),
            ("alias", "aliases"),
            ("octopus", "octopi"),
            ("virus", "viri"),
            ("axis", "axes"),
            ("ox", "oxen"),
            ("mouse", "mice"),
            ("matrix", "matrices"),
            ("vertex", "vertices"),
            ("hive", "hives"),
            ("drive", "drives"),
            ("users", "users"),
            ("sales_person", "sales_people"),
            ("woman", "women"),
            ("child", "children"),
            ("sheep", "sheep"),
            ("information", "information"),
            ("user_info", "user_infos"),
        ] {
            assert_eq!(plural(one), many, "plural({one:?})");
        }
    }
}
