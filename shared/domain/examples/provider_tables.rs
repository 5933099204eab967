//! Prints `docs/carriers.md`'s generated provider sections (between the `generated` markers).

fn main() {
    print!("{}", afterclick_domain::providers::docs::status_tables());
    print!("{}", afterclick_domain::providers::docs::carrier_table());
}
