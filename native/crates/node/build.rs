//! Node-API symbols are provided by the host process (node / electron) at load time. Linux
//! allows undefined symbols in a cdylib by default; macOS needs to be told explicitly.
//! (Windows would need an import library for node.exe — not supported by this shim yet.)
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
}
