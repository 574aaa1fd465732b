// Starts the console. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts: the glue (loaded just before, deferred) finds its wasm beside itself.
wasm_bindgen();
