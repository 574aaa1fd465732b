// Starts the console. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts: the glue (loaded just before, deferred) finds its wasm beside itself.
// If it cannot start, the plain-HTML shell says so instead of loading forever.
wasm_bindgen().catch(function (e) {
  console.error(e);
  var status = document.getElementById('boot-status');
  if (status) {
    status.removeAttribute('aria-busy');
    status.setAttribute('role', 'alert');
    status.textContent = 'The console could not be loaded. Check the connection, then reload the page.';
  }
});
