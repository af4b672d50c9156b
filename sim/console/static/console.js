// payscoregen sim console: live updates and ticking clocks. No framework,
// no build step. Without this script every page still works (reload it).
(function () {
  'use strict';
  var body = document.body;
  var status = document.getElementById('live-status');
  var simNow0 = Number(body.dataset.now);
  var wall = body.dataset.wall === 'true';
  var loaded = Date.now();

  function simNow() { return wall ? simNow0 + (Date.now() - loaded) : simNow0; }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // fmt writes a time as yyyy-MM-dd HH:mm:ss at a fixed offset from UTC.
  function fmt(ms, offsetHours) {
    var d = new Date(ms + offsetHours * 3600e3);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
      pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
  }
  function dur(ms) {
    var s = Math.floor(ms / 1000), out = '';
    var h = Math.floor(s / 3600); s -= h * 3600;
    var m = Math.floor(s / 60); s -= m * 60;
    if (h) out += h + 'h';
    if (m) out += m + 'm';
    if (s || !out) out += s + 's';
    return out;
  }
  function tick() {
    var now = simNow();
    var cn = document.querySelector('[data-clock="cn"]');
    var utc = document.querySelector('[data-clock="utc"]');
    if (cn) cn.textContent = fmt(now, 8);
    if (utc) utc.textContent = fmt(now, 0);
    document.querySelectorAll('.rel[data-at]').forEach(function (el) {
      var d = Number(el.dataset.at) - now;
      el.textContent = Math.abs(d) < 1000 ? 'now' : d > 0 ? 'in ' + dur(d) : dur(-d) + ' ago';
    });
  }
  setInterval(tick, 1000);

  // refresh fetches this page again and swaps the live region, keeping what
  // the user is typing.
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: 'no-store', headers: { 'X-Console-Refresh': '1' } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.getElementById('live'), live = document.getElementById('live');
        if (!next || !live) return;
        var keep = {}, active = document.activeElement, activeId = active && active.id;
        live.querySelectorAll('input[id], select[id], textarea[id]').forEach(function (el) {
          if (el.id === activeId || el.value !== (el.defaultValue !== undefined ? el.defaultValue : el.value)) keep[el.id] = el.value;
        });
        live.innerHTML = next.innerHTML;
        Object.keys(keep).forEach(function (id) {
          var el = document.getElementById(id);
          if (el) el.value = keep[id];
        });
        if (activeId && live.contains(document.getElementById(activeId))) document.getElementById(activeId).focus();
        simNow0 = Number(doc.body.dataset.now); loaded = Date.now();
        tick();
        body.dataset.refreshed = String(Number(body.dataset.refreshed || 0) + 1);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  if (window.EventSource) {
    var es = new EventSource('/console/events'), wasDown = false;
    es.addEventListener('open', function () {
      status.dataset.state = 'live'; status.textContent = 'Live: updates by itself.';
      if (wasDown) { wasDown = false; refresh(); } // changes while disconnected
    });
    es.addEventListener('change', refresh);
    es.addEventListener('error', function () {
      wasDown = true;
      status.dataset.state = 'offline'; status.textContent = 'Not connected to the simulator; retrying.';
    });
  } else {
    setInterval(refresh, 2000);
  }
  tick();
})();
