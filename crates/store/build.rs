// `sqlx::migrate!` embeds the migrations at build time; a new or changed migration must
// rebuild this crate (stable Rust cannot track the directory from the macro).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
