//! napi-build sets the linker flags a Node-API addon needs on each platform (macOS:
//! `-undefined dynamic_lookup`; Windows: the node.exe import library).
fn main() {
    napi_build::setup();
}
