fn main() {
    // A plugin library is never unloaded: make dlclose a no-op (thread-locals and runtime
    // threads of the plugin outlive any unload).
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
}
