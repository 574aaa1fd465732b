// Starts the console. A file rather than an inline script, so the Content-Security-Policy can
// forbid inline scripts: the glue (a deferred script) finds its wasm beside itself.
// If it cannot start, the plain-HTML shell says so instead of loading forever.
//
// This file is loaded `async`: it runs as soon as it arrives, while the page is still being
// parsed and the glue and the wasm download, and starts the wasm once the glue has run.
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
  // The requests that depend on which server this is (with our extensions or not).
  var byServer = null;

  // Ids as the console's own links carry them: anything else is left to the app.
  var id = '([A-Za-z0-9_-]+)';
  var root = new URL(document.baseURI).pathname;
  var path = location.pathname.slice(root.length).replace(/\/$/, '');
  var screen = path.match(new RegExp('^' + id + '/infrastructure/(machines|workers|proxies)(?:/' + id + ')?$'));
  if (location.pathname.indexOf(root) === 0 && screen && screen[3] !== 'new') {
    var space = api + '/' + screen[1];
    var query = new URLSearchParams(location.search);
    // A list page as src/api/urls.rs asks for it; `every`: all rows from the first (the
    // console then pages them itself).
    var list = function (collection, filters, every) {
      var page = parseInt((query.get('page') || '').trim(), 10);
      page = page >= 1 && page <= 4294967295 ? page : 1;
      var params = new URLSearchParams();
      params.append('skip', every ? 0 : (page - 1) * 30);
      params.append('take', every ? all : 30);
      var name = (query.get('q') || '').trim();
      if (name) params.append('partialName', name);
      filters.forEach(function (f) {
        var value = query.get(f[0]) || '';
        if (value) params.append(f[1], value);
      });
      return space + '/' + collection + '?' + params;
    };
    // An item's first page of history, as src/api/urls.rs asks for it.
    var history = function (id) {
      var params = new URLSearchParams();
      params.append('regarding', id);
      params.append('documentTypes', id.replace(/-[^-]*$/, ''));
      params.append('skip', 0);
      params.append('take', 10);
      return space + '/events?' + params;
    };
    // A fleet's screens name its groups: environments for targets, worker pools for workers.
    var targets = screen[2] === 'machines';
    var names = [targets ? 'environments' : 'workerpools', 'proxies']
      .map(function (c) { return space + '/' + c + '/all'; });
    var machinesAll = ['machines', 'workers'].map(function (c) { return space + '/' + c + '/all'; });
    if (screen[2] !== 'proxies' && !screen[3]) {
      var filters = [[targets ? 'environment' : 'pool', targets ? 'environmentIds' : 'workerPoolIds'],
        ['style', 'commStyles']];
      urls = urls.concat(names);
      if (query.get('proxy')) {
        // Filtered by proxy: the server filters if it has the filter, else the console does.
        byServer = function (ext) {
          return ext.filter ? [list(screen[2], filters.concat([['proxy', 'proxyIds']]))]
            : [list(screen[2], filters, true)];
        };
      } else {
        urls.push(list(screen[2], filters));
      }
    } else if (screen[2] !== 'proxies') {
      urls = urls.concat(names, space + '/accounts/all', space + '/' + screen[2] + '/' + screen[3],
        history(screen[3]));
    } else if (!screen[3]) {
      urls.push(list('proxies', []));
      // The usage counts: by the server (for the ids of the page: the app asks), or from every
      // machine of the space.
      byServer = function (ext) { return ext.usage ? [] : machinesAll; };
    } else {
      urls.push(space + '/proxies/' + screen[3], history(screen[3]));
      byServer = function (ext) {
        return !ext.filter ? machinesAll : ['machines', 'workers'].map(function (c) {
          return space + '/' + c + '?skip=0&take=' + all + '&proxyIds=' + screen[3];
        });
      };
    }
  }
  var answers = {};
  // Each answer is read whole here ({status, etag, text}: src/api/client.rs takes it so), so
  // once the wasm runs the first screen's rows wait for nothing more from the network.
  var ask = function (url) {
    answers[url] = fetch(url, {headers: headers, credentials: 'same-origin'}).then(function (r) {
      return r.text().then(function (text) {
        return {status: r.status, etag: r.headers.get('etag'), text: text};
      });
    });
    // Taken or not, a failure here is the app's to report when it asks again.
    answers[url].catch(function () {});
  };
  urls.forEach(ask);
  if (byServer) {
    // What the server's root document links (src/api/server.rs reads it the same way), read
    // before the app gets that answer, so the screen's own requests are already under way.
    answers[api] = answers[api].then(function (answer) {
      try {
        var links = JSON.parse(answer.text).Links || {};
        var filters = function (name) { return /[?,]proxyIds[,}]/.test(links[name] || ''); };
        var ext = {usage: 'ProxyUsage' in links, filter: filters('Machines') && filters('Workers')};
        if (window.__prefetched === answers) byServer(ext).forEach(ask);
      } catch (e) {}
      return answer;
    });
    answers[api].catch(function () {});
  }
  // Who the person is and what they may do (src/api/permissions.rs), on every screen: the
  // answer to users/me names the user whose permissions to ask for.
  var me = api + '/users/me';
  ask(me);
  answers[me] = answers[me].then(function (answer) {
    try {
      var id = answer.status === 200 ? JSON.parse(answer.text).Id : null;
      if (id && window.__prefetched === answers) ask(api + '/users/' + encodeURIComponent(id) + '/permissions');
    } catch (e) {}
    return answer;
  });
  answers[me].catch(function () {});
  window.__prefetched = answers;
  var drop = function () { delete window.__prefetched; };
  ['click', 'keydown', 'input', 'submit', 'popstate'].forEach(function (type) {
    window.addEventListener(type, drop, {capture: true, once: true});
  });
})();

(function () {
  var start = function () {
    wasm_bindgen().catch(function (e) {
      console.error(e);
      var status = document.getElementById('boot-status');
      if (status) {
        status.removeAttribute('aria-busy');
        status.setAttribute('role', 'alert');
        status.textContent = 'The console could not be loaded. Check the connection, then reload the page.';
      }
    });
  };
  // Deferred scripts (the glue) have all run when DOMContentLoaded fires.
  if (typeof wasm_bindgen === 'function') start();
  else document.addEventListener('DOMContentLoaded', start, {once: true});
})();
