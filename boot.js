// Starts the console. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts: the glue (loaded just before, deferred) finds its wasm beside itself.
// If it cannot start, the plain-HTML shell says so instead of loading forever.
//
// First, the first screen's API requests go out, so they travel while the wasm downloads and
// compiles. The app (src/api/client.rs) takes an answer by the exact address it would ask for
// and asks the server itself for anything else. They are for the first screen only: the first
// thing the person does (a click, a key, back or forward) drops those not taken, so a later
// screen never shows an answer older than itself. The addresses are built as src/api/urls.rs builds them;
// tests/console_shell.rs checks that the app asks for none of them a second time.
(function () {
  var meta = document.querySelector('meta[name=proxy-console-api]');
  var api = (meta ? meta.content.trim().replace(/\/+$/, '') : '') + '/api';
  var key = null;
  try { key = sessionStorage.getItem('proxy-console.api-key'); } catch (e) {}
  var headers = {Accept: 'application/json'};
  if (key) headers['X-Octopus-ApiKey'] = key;
  var all = 2147483647;
  var urls = [api, api + '/spaces?skip=0&take=' + all];

  // Ids as the console's own links carry them: anything else is left to the app.
  var id = '([A-Za-z0-9_-]+)';
  var root = new URL(document.baseURI).pathname;
  var path = location.pathname.slice(root.length).replace(/\/$/, '');
  var screen = path.match(new RegExp('^' + id + '/infrastructure/(machines|workers|proxies)(?:/' + id + ')?$'));
  if (location.pathname.indexOf(root) === 0 && screen && screen[3] !== 'new') {
    var space = api + '/' + screen[1];
    var query = new URLSearchParams(location.search);
    var list = function (collection, filters) {
      var page = parseInt((query.get('page') || '').trim(), 10);
      page = page >= 1 && page <= 4294967295 ? page : 1;
      var params = new URLSearchParams();
      params.append('skip', (page - 1) * 30);
      params.append('take', 30);
      var name = (query.get('q') || '').trim();
      if (name) params.append('partialName', name);
      filters.forEach(function (f) {
        var value = query.get(f[0]) || '';
        if (value) params.append(f[1], value);
      });
      return space + '/' + collection + '?' + params;
    };
    // A fleet's screens name its groups: environments for targets, worker pools for workers.
    var targets = screen[2] === 'machines';
    var names = [targets ? 'environments' : 'workerpools', 'proxies']
      .map(function (c) { return space + '/' + c + '/all'; });
    if (screen[2] !== 'proxies' && !screen[3]) {
      urls = urls.concat(names, list(screen[2], [[targets ? 'environment' : 'pool',
        targets ? 'environmentIds' : 'workerPoolIds'], ['style', 'commStyles'], ['proxy', 'proxyIds']]));
    } else if (screen[2] !== 'proxies') {
      urls = urls.concat(names, space + '/accounts/all', space + '/' + screen[2] + '/' + screen[3]);
    } else if (!screen[3]) {
      urls.push(list('proxies', []));
    } else {
      urls.push(space + '/proxies/' + screen[3]);
      ['machines', 'workers'].forEach(function (c) {
        urls.push(space + '/' + c + '?skip=0&take=' + all + '&proxyIds=' + screen[3]);
      });
    }
  }
  var answers = {};
  urls.forEach(function (url) {
    answers[url] = fetch(url, {headers: headers, credentials: 'same-origin'});
    // Taken or not, a failure here is the app's to report when it asks again.
    answers[url].catch(function () {});
  });
  window.__prefetched = answers;
  var drop = function () { delete window.__prefetched; };
  ['click', 'keydown', 'input', 'submit', 'popstate'].forEach(function (type) {
    window.addEventListener(type, drop, {capture: true, once: true});
  });
})();

wasm_bindgen().catch(function (e) {
  console.error(e);
  var status = document.getElementById('boot-status');
  if (status) {
    status.removeAttribute('aria-busy');
    status.setAttribute('role', 'alert');
    status.textContent = 'The console could not be loaded. Check the connection, then reload the page.';
  }
});
