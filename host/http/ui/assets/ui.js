// The EventStreams UI: lists the streams of /?spec, shows the chosen ones live through
// EventSource. The view (streams, since, filters) lives in the address, so a link opens it.
'use strict';

const MAX_LINES = 500;  // lines kept on the page; older ones go
const UI_PARAMS = new Set(['streams', 'since']);

const $ = (id) => document.getElementById(id);
let source = null;
let paused = false;
let held = [];  // events that arrived while paused
let count = 0;
let arrivals = [];  // arrival times of the last seconds, for events/s

// The view in the address: ?streams=a,b&since=...&<filter>=<value>...
function viewFromLocation() {
  const params = new URLSearchParams(location.search);
  const filters = new URLSearchParams();
  for (const [k, v] of params) if (!UI_PARAMS.has(k)) filters.append(k, v);
  return {
    streams: (params.get('streams') || '').split(',').filter(Boolean),
    since: params.get('since') || '',
    filters: filters.toString(),
  };
}

function viewToQuery(view) {
  const q = new URLSearchParams();
  if (view.streams.length) q.set('streams', view.streams.join(','));
  if (view.since) q.set('since', view.since);
  for (const [k, v] of new URLSearchParams(view.filters)) q.append(k, v);
  return q.toString().replace(/%2C/g, ',');
}

// The streams and their descriptions, from the OpenAPI document.
async function loadStreams() {
  const response = await fetch('/?spec');
  if (!response.ok) throw new Error(`/?spec answered ${response.status}`);
  const spec = await response.json();
  const generic = spec.paths['/v2/stream/{streams}'];
  const names = generic.get.parameters.find((p) => p.name === 'streams').schema.items.enum;
  return names.map((name) => {
    const path = spec.paths[`/v2/stream/${name}`];
    return { name, description: path ? path.get.description || '' : '' };
  });
}

function renderStreams(streams, chosen) {
  const box = $('streams');
  box.querySelectorAll('label, .loading').forEach((e) => e.remove());
  for (const s of streams) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'stream';
    input.value = s.name;
    input.checked = chosen.includes(s.name);
    const description = document.createElement('span');
    description.className = 'description';
    description.textContent = s.description.split('\n')[0];
    label.append(input, ' ' + s.name, description);
    box.append(label);
  }
}

function chosenView() {
  return {
    streams: [...document.querySelectorAll('input[name=stream]:checked')].map((i) => i.value),
    since: $('since').value.trim(),
    filters: $('filters').value.trim().replace(/^\?/, ''),
  };
}

// One compact line per event (time, wiki, type, title, user, comment), its JSON on click.
function eventLine(data) {
  let event;
  try { event = JSON.parse(data); } catch (e) { event = null; }
  const li = document.createElement('li');
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  const field = (cls, text) => {
    if (text === undefined || text === null || text === '') return;
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = String(text);
    summary.append(span, ' ');
  };
  if (event) {
    const meta = event.meta || {};
    field('time', meta.dt || (event.timestamp ? new Date(event.timestamp * 1000).toISOString() : ''));
    field('wiki', event.wiki || event.database || meta.domain);
    field('type', event.type || event.page_change_kind || meta.stream);
    field('title', event.title || event.page_title || (event.page && event.page.page_title));
    field('user', event.user || event.performer && event.performer.user_text ||
                  event.performer && event.performer.user_name);
    field('comment', event.comment || event.rev_comment);
  } else {
    field('raw', data.slice(0, 200));
  }
  const pre = document.createElement('pre');
  pre.textContent = event ? JSON.stringify(event, null, 2) : data;
  details.append(summary, pre);
  li.append(details);
  return li;
}

function show(data) {
  const list = $('events');
  list.prepend(eventLine(data));
  while (list.childElementCount > MAX_LINES) list.lastElementChild.remove();
}

function onEvent(e) {
  ++count;
  arrivals.push(performance.now());
  $('count').textContent = count;
  if (paused) {
    held.push(e.data);
    if (held.length > MAX_LINES) held.shift();
  } else {
    show(e.data);
  }
}

function setState(text, cls) {
  $('state').textContent = text;
  $('state').className = cls || '';
}

async function showError(response) {
  let detail = `HTTP ${response.status}`;
  try {
    const problem = await response.json();
    detail = `${problem.title}: ${problem.detail}`;
  } catch (e) { /* not a problem body */ }
  $('error').textContent = detail;
  $('error').hidden = false;
}

function connect(view) {
  if (source) source.close();
  source = null;
  $('error').hidden = true;
  if (!view.streams.length) {
    setState('Pick a stream');
    $('pause').disabled = true;
    return;
  }
  const query = new URLSearchParams(view.filters);
  if (view.since) query.set('since', view.since);
  const qs = query.toString();
  const url = `/v2/stream/${view.streams.join(',')}${qs ? '?' + qs : ''}`;
  setState('Connecting…');
  source = new EventSource(url);
  source.onopen = () => setState(`Live: ${view.streams.join(', ')}`, 'live');
  source.onmessage = onEvent;
  source.onerror = async () => {
    if (source && source.readyState === EventSource.CLOSED) {
      // A refusal (a bad filter, an unknown stream): ask again for its problem body.
      setState('Stopped', 'broken');
      const response = await fetch(url);
      if (!response.ok) await showError(response);
    } else {
      setState('Reconnecting…', 'broken');
    }
  };
  $('pause').disabled = false;
}

function clearEvents() {
  $('events').replaceChildren();
  held = [];
  count = 0;
  arrivals = [];
  $('count').textContent = '0';
}

// A new view starts with an empty list: lines of the previous one would mislead.
function apply(view, push) {
  clearEvents();
  const q = viewToQuery(view);
  if (push) history.pushState(null, '', q ? `?${q}` : location.pathname);
  $('since').value = view.since;
  $('filters').value = view.filters;
  document.querySelectorAll('input[name=stream]').forEach((i) => {
    i.checked = view.streams.includes(i.value);
  });
  connect(view);
}

setInterval(() => {
  const now = performance.now();
  arrivals = arrivals.filter((t) => now - t < 5000);
  $('rate').textContent = (arrivals.length / 5).toFixed(1);
}, 1000);

$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  if (!paused) {
    held.forEach(show);
    held = [];
  }
});
$('clear').addEventListener('click', clearEvents);
$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  apply(chosenView(), true);
});
window.addEventListener('popstate', () => apply(viewFromLocation(), false));

loadStreams()
  .then((streams) => {
    const view = viewFromLocation();
    renderStreams(streams, view.streams);
    apply(view, false);
  })
  .catch((err) => {
    $('error').textContent = `Cannot list the streams: ${err.message}`;
    $('error').hidden = false;
  });
