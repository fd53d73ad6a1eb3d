// intake review page: vanilla JavaScript, no build step, no external resources.
//
// Routes (location.hash): #/queue, #/orders/<id>, #/sandboxes, #/sandboxes/<encoded id>.
// A one-time `#token=<value>` (or `#/orders/<id>&token=<value>`) stores the token in
// sessionStorage and is removed from the address bar.
//
// Every piece of data is inserted with textContent / DOM nodes, never innerHTML.
(function () {
  'use strict';

  const TOKEN_KEY = 'intake.token';
  const FILTER_KEY = 'intake.filters';
  const REFRESH_MS = 10000;
  const STATUSES = ['pending_review', 'approved', 'auto_approved', 'rejected', 'no_action', 'failed'];

  // ---------------------------------------------------------------- helpers

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const enc = encodeURIComponent;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  function setAttrs(node, attrs, isSvg) {
    if (!attrs) return node;
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') {
        if (isSvg) node.setAttribute('class', value); else node.className = value;
      } else if (key === 'text') {
        node.textContent = String(value);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) node.dataset[k] = String(v);
      } else if (key === 'style' && typeof value === 'object') {
        Object.assign(node.style, value);
      } else if (key.startsWith('on') && typeof value === 'function') {
        node.addEventListener(key.slice(2), value);
      } else if (!isSvg && (key === 'value' || key === 'disabled' || key === 'checked')) {
        node[key] = value;
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else if (child instanceof Node) node.appendChild(child);
      else node.appendChild(document.createTextNode(String(child)));
    }
    return node;
  }

  /** Builds an HTML element; strings become text nodes (so data is always escaped). */
  function el(tag, attrs, ...children) {
    return append(setAttrs(document.createElement(tag), attrs, false), children);
  }

  function svgEl(tag, attrs, ...children) {
    return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs, true), children);
  }

  const pad = (n) => String(n).padStart(2, '0');

  function parseDate(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    return isNaN(d.getTime()) ? null : d;
  }

  /** Local HH:MM:SS. */
  function fmtTime(iso) {
    const d = parseDate(iso);
    return d ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : (iso || '');
  }

  /** Local YYYY-MM-DD HH:MM:SS. */
  function fmtDateTime(iso) {
    const d = parseDate(iso);
    if (!d) return iso || '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtTime(iso)}`;
  }

  function timeEl(iso, withDate) {
    return el('time', { datetime: iso || undefined, title: iso || undefined }, withDate === false ? fmtTime(iso) : fmtDateTime(iso));
  }

  function fmtNum(n, digits) {
    if (n === undefined || n === null || n === '') return '';
    if (typeof n !== 'number') return String(n);
    if (digits !== undefined) return n.toFixed(digits);
    return String(Math.round(n * 1000) / 1000);
  }

  function fmtPercent(x, digits) {
    if (typeof x !== 'number' || isNaN(x)) return '—';
    const d = digits === undefined ? 1 : digits;
    return `${(x * 100).toFixed(d)}%`;
  }

  function confEl(c) {
    if (typeof c !== 'number') return el('span', { class: 'muted' }, '—');
    const cls = c < 0.8 ? 'conf-low' : c < 0.9 ? 'conf-mid' : '';
    return el('span', { class: cls, title: `confidence ${c}` }, `${Math.round(c * 1000) / 10}%`);
  }

  function badge(text, cls, title) {
    return el('span', { class: `badge ${cls || ''}`, title }, text);
  }

  function statusBadge(status) {
    return badge(String(status || '?').replace(/_/g, ' '), status);
  }

  function faultLabel(fault) {
    return String(fault || '?').replace(/_/g, ' ');
  }

  function diagnosisSummary(d) {
    if (!d) return '';
    const parts = [`${faultLabel(d.fault)} ${fmtPercent(d.confidence, 1)}`];
    if (d.iso_zone) parts.push(`zone ${d.iso_zone}`);
    if (typeof d.velocity_rms_mm_s === 'number') parts.push(`${fmtNum(d.velocity_rms_mm_s, 2)} mm/s`);
    if (typeof d.rpm === 'number') parts.push(`${fmtNum(d.rpm)} rpm`);
    return parts.join(' · ');
  }

  function lineSummary(l) {
    if (!l) return '';
    const what = l.name || l.text || '';
    return `${fmtNum(l.quantity)} ${l.unit || ''} ${what}`.replace(/\s+/g, ' ').trim() + (l.sku ? ` (${l.sku})` : '');
  }

  function orderSummary(rec) {
    const intent = rec.intent || {};
    if (rec.status === 'failed' && rec.error) return `failed: ${rec.error.message || rec.error.code}`;
    const parts = [];
    if (intent.diagnosis) parts.push(diagnosisSummary(intent.diagnosis));
    const lines = intent.lines || [];
    if (lines.length) parts.push(lineSummary(lines[0]) + (lines.length > 1 ? ` +${lines.length - 1} more` : ''));
    if (!parts.length) parts.push(intent.type === 'none' ? 'nothing to order' : '(no lines)');
    return parts.join(' — ');
  }

  function partyText(p) {
    if (!p) return '';
    return p.name || p.id || '';
  }

  /** A JSON value for people: strings as they are, absent as "(absent)". */
  function jsonText(v) {
    if (v === undefined) return '(absent)';
    if (v === null) return 'null';
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
  }

  function once(target, event) {
    return new Promise((resolve) => target.addEventListener(event, resolve, { once: true }));
  }

  // ---------------------------------------------------------------- state

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    me: null,
    view: null,
    queue: { orders: [], selectedId: null, loading: false },
    claims: {},            // order id -> {by, expires} learned from details
    sandboxes: [],
    sandboxSelected: null,
    detailGen: 0,
    detail: null,          // {record, detail, urls, audio, removed:Set, added:[], ...}
    preloaded: null,       // an OrderDetail already claimed (from review/next)
    busy: false,
  };

  // ---------------------------------------------------------------- status area

  let statusTimer = null;
  function showStatus(text, kind) {
    const box = $('#status-message');
    box.textContent = text;
    box.className = kind || 'info';
    box.hidden = false;
    clearTimeout(statusTimer);
    if (kind === 'info') statusTimer = setTimeout(() => { box.hidden = true; }, 8000);
  }

  function clearStatus() {
    const box = $('#status-message');
    box.hidden = true;
    box.textContent = '';
  }

  function report(error) {
    if (error && error.handled) return;
    const message = (error && error.message) || String(error);
    const box = $('#status-message');
    showStatus(message, 'error');
    if (error && error.code) box.title = `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}`;
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
      this.handled = false;
    }
  }

  async function readError(res) {
    let code = `http_${res.status}`;
    let message = `${res.status} ${res.statusText || 'error'}`;
    try {
      const text = await res.text();
      if (text) {
        try {
          const body = JSON.parse(text);
          if (body && body.error) {
            code = body.error.code || code;
            message = body.error.message || message;
          }
        } catch (_) {
          message = `${message}: ${text.slice(0, 200)}`;
        }
      }
    } catch (_) { /* keep defaults */ }
    return new ApiError(res.status, code, message);
  }

  /**
   * Calls the API with the bearer token. Returns parsed JSON (null for 204), or the Response
   * itself with {raw: true}. Throws ApiError; a 401 also signs out and shows the token form.
   */
  async function api(method, path, body, options) {
    const opts = options || {};
    const token = opts.token !== undefined ? opts.token : state.token;
    const headers = { Authorization: `Bearer ${token}` };
    if (!opts.raw) headers.Accept = 'application/json';
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', `cannot reach the server (${e.message})`);
    }
    if (!res.ok) {
      const error = await readError(res);
      if (res.status === 401 && !opts.noSignOut) {
        signOut(`${error.message} — enter a valid token`);
        error.handled = true;
      }
      throw error;
    }
    if (opts.raw) return res;
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  const orderPath = (id, suffix) => `/v1/orders/${enc(id)}${suffix || ''}`;

  // ---------------------------------------------------------------- token / session

  function takeTokenFromHash() {
    const hash = location.hash.replace(/^#/, '');
    const m = hash.match(/(^|[?&])token=([^&]*)/);
    if (!m) return;
    let token = m[2];
    try { token = decodeURIComponent(token); } catch (_) { /* use as is */ }
    let rest = hash.slice(0, m.index) + hash.slice(m.index + m[0].length);
    rest = rest.replace(/^[?&]+/, '').replace(/[?&]+$/, '');
    if (!rest.startsWith('/')) rest = '/queue';
    if (token) {
      state.token = token;
      sessionStorage.setItem(TOKEN_KEY, token);
    }
    history.replaceState(null, '', `${location.pathname}${location.search}#${rest}`);
  }

  function showSession() {
    const who = $('#whoami');
    who.replaceChildren(el('b', null, state.me.name), ' ', badge(state.me.role, state.me.role === 'admin' ? 'auto' : 'review'));
    if (state.me.subject) who.append(' ', el('span', { class: 'muted small' }, state.me.subject));
    $('#session').hidden = false;
  }

  function signOut(message) {
    state.token = '';
    state.me = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('#session').hidden = true;
    leaveDetail();
    showView('token');
    if (message) showStatus(message, 'error');
    const input = $('#token-input');
    input.value = '';
    setTimeout(() => input.focus(), 0);
  }

  async function saveToken(event) {
    if (event) event.preventDefault();
    const token = $('#token-input').value.trim();
    if (!token) {
      showStatus('paste a token first', 'warn');
      return;
    }
    const button = $('#token-save');
    button.disabled = true;
    try {
      const me = await api('GET', '/v1/me', undefined, { token, noSignOut: true });
      state.token = token;
      state.me = me;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('#token-input').value = '';
      showSession();
      showStatus(`signed in as ${me.name} (${me.role})`, 'info');
      if (me.role === 'device') showStatus(`${me.name} is a device token: it can submit inputs but not review orders`, 'warn');
      route();
    } catch (e) {
      showStatus(e.status === 401 ? `token rejected: ${e.message}` : e.message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- views and routing

  function showView(name) {
    state.view = name;
    for (const v of ['token', 'queue', 'detail', 'sandboxes']) $(`#view-${v}`).hidden = v !== name;
    $('#nav-queue').toggleAttribute('aria-current', false);
    $('#nav-sandboxes').toggleAttribute('aria-current', false);
    if (name === 'queue' || name === 'detail') $('#nav-queue').setAttribute('aria-current', 'page');
    if (name === 'sandboxes') $('#nav-sandboxes').setAttribute('aria-current', 'page');
    $('#nav').hidden = name === 'token';
    $('#shortcuts').hidden = name === 'token';
  }

  function currentRoute() {
    const hash = location.hash.replace(/^#/, '');
    return hash.startsWith('/') ? hash : '/queue';
  }

  function navigate(path) {
    if (currentRoute() === path && location.hash) route();
    else location.hash = `#${path}`;
  }

  function route() {
    if (!state.token || !state.me) {
      showView('token');
      return;
    }
    const path = currentRoute();
    let m;
    if ((m = path.match(/^\/orders\/([^/?&]+)/))) {
      let id = m[1];
      try { id = decodeURIComponent(id); } catch (_) { /* as is */ }
      showDetail(id);
      return;
    }
    leaveDetail();
    if ((m = path.match(/^\/sandboxes(?:\/(.+))?$/))) {
      let id = m[1] || null;
      if (id) { try { id = decodeURIComponent(id); } catch (_) { /* as is */ } }
      showSandboxes(id);
      return;
    }
    if (path !== '/queue') history.replaceState(null, '', `${location.pathname}${location.search}#/queue`);
    showQueue();
  }

  // ---------------------------------------------------------------- queue

  function loadFilters() {
    try {
      const f = JSON.parse(sessionStorage.getItem(FILTER_KEY) || '{}');
      if (typeof f.status === 'string' && (f.status === '' || STATUSES.includes(f.status))) $('#filter-status').value = f.status;
      if (typeof f.sandbox === 'string') ensureSandboxOption(f.sandbox);
    } catch (_) { /* defaults */ }
  }

  function saveFilters() {
    sessionStorage.setItem(FILTER_KEY, JSON.stringify({ status: $('#filter-status').value, sandbox: $('#filter-sandbox').value }));
  }

  function ensureSandboxOption(id) {
    const select = $('#filter-sandbox');
    if (id && !$$('option', select).some((o) => o.value === id)) select.append(el('option', { value: id }, id));
    select.value = id;
  }

  async function loadSandboxOptions() {
    try {
      const data = await api('GET', '/v1/sandboxes');
      state.sandboxes = (data && data.sandboxes) || [];
      const select = $('#filter-sandbox');
      const current = select.value;
      select.replaceChildren(el('option', { value: '' }, 'all'));
      for (const s of state.sandboxes) select.append(el('option', { value: s.id }, `${s.id}${s.mode === 'auto' ? ' (auto)' : ''}`));
      ensureSandboxOption(current);
    } catch (e) {
      report(e);
    }
  }

  function showQueue() {
    showView('queue');
    document.title = 'intake · queue';
    renderQueue();
    loadSandboxOptions();
    loadQueue();
  }

  async function loadQueue(quiet) {
    if (state.queue.loading) return;
    state.queue.loading = true;
    const params = new URLSearchParams();
    const status = $('#filter-status').value;
    const sandbox = $('#filter-sandbox').value;
    if (status) params.set('status', status);
    if (sandbox) params.set('sandbox', sandbox);
    params.set('limit', '200');
    if (!quiet) $('#refresh').disabled = true;
    try {
      const data = await api('GET', `/v1/orders?${params}`);
      state.queue.orders = (data && data.orders) || [];
      state.queue.loadedAt = new Date().toISOString();
      if (state.view === 'queue') renderQueue();
    } catch (e) {
      if (!quiet || e.status === 401) report(e);
    } finally {
      state.queue.loading = false;
      $('#refresh').disabled = false;
    }
  }

  function claimOf(rec) {
    if (rec.claimed_by) return { by: rec.claimed_by, expires: rec.claim_expires };
    const c = state.claims[rec.id];
    if (!c) return null;
    const until = parseDate(c.expires);
    if (until && until.getTime() < Date.now()) return null;
    return c;
  }

  function renderQueue() {
    const tbody = $('#queue tbody');
    const orders = state.queue.orders;
    tbody.replaceChildren();
    if (!orders.length) {
      tbody.append(el('tr', null, el('td', { colspan: 8, class: 'empty' }, state.queue.loadedAt ? 'No orders match these filters.' : 'Loading…')));
    }
    for (const rec of orders) {
      const source = rec.source || {};
      const claim = claimOf(rec);
      const intent = rec.intent || {};
      const tr = el('tr', { dataset: { orderId: rec.id }, title: rec.id, onclick: () => openOrder(rec.id) },
        el('td', null, timeEl(rec.created_at)),
        el('td', null, rec.sandbox || ''),
        el('td', null, source.modality || el('span', { class: 'muted' }, '—')),
        el('td', null, partyText(intent.party)),
        el('td', { class: 'summary' }, orderSummary(rec)),
        el('td', { class: 'num' }, confEl(intent.confidence)),
        el('td', null, statusBadge(rec.status)),
        el('td', null, claim ? el('span', { title: claim.expires ? `until ${fmtDateTime(claim.expires)}` : undefined },
          claim.by + (state.me && claim.by === state.me.name ? ' (you)' : '')) : ''));
      if (rec.id === state.queue.selectedId) tr.classList.add('selected');
      tbody.append(tr);
    }
    $('#queue-count').textContent = state.queue.loadedAt ? `${orders.length} order${orders.length === 1 ? '' : 's'}` : '';
    $('#queue-updated').textContent = state.queue.loadedAt ? `updated ${fmtTime(state.queue.loadedAt)}` : '';
  }

  function openOrder(id) {
    state.queue.selectedId = id;
    navigate(`/orders/${enc(id)}`);
  }

  function moveSelection(tableSel, attr, delta, key) {
    const rows = $$(`${tableSel} tbody tr[${attr}]`);
    if (!rows.length) return null;
    let index = rows.findIndex((r) => r.classList.contains('selected'));
    index = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, index + delta));
    rows.forEach((r, i) => r.classList.toggle('selected', i === index));
    rows[index].scrollIntoView({ block: 'nearest' });
    return rows[index].getAttribute(attr);
  }

  // ---------------------------------------------------------------- review/next

  /** Claims the next waiting order and opens it; back to the queue when nothing waits. */
  async function goNext(fromId, doneMessage) {
    if (state.busy) return;
    state.busy = true;
    const sandbox = $('#filter-sandbox').value;
    const leaving = state.detail;
    try {
      let next = await api('POST', `/v1/review/next${sandbox ? `?sandbox=${enc(sandbox)}` : ''}`);
      if (next && fromId && next.record && next.record.id === fromId) {
        // The server hands our own claim back first (oldest order we hold): skip past it.
        next = await claimFollowing(fromId, sandbox);
      }
      if (leaving && leaving.record.id === fromId && next && next.record.id !== fromId) releaseQuietly(leaving);
      if (!next) {
        showStatus(`${doneMessage ? `${doneMessage} · ` : ''}no more orders waiting${sandbox ? ` in ${sandbox}` : ''}`, doneMessage ? 'success' : 'info');
        navigate('/queue');
        return;
      }
      if (doneMessage) showStatus(doneMessage, 'success');
      rememberClaim(next);
      state.preloaded = next;
      state.queue.selectedId = next.record.id;
      navigate(`/orders/${enc(next.record.id)}`);
    } catch (e) {
      report(e);
      if (doneMessage) navigate('/queue');
    } finally {
      state.busy = false;
    }
  }

  /** The first pending order after `fromId` in the list that we can claim, or null. */
  async function claimFollowing(fromId, sandbox) {
    const params = new URLSearchParams({ status: 'pending_review', limit: '200' });
    if (sandbox) params.set('sandbox', sandbox);
    const data = await api('GET', `/v1/orders?${params}`);
    const orders = ((data && data.orders) || []).filter((o) => o.status === 'pending_review');
    const at = orders.findIndex((o) => o.id === fromId);
    const ordered = at < 0 ? orders : orders.slice(at + 1).concat(orders.slice(0, at));
    let tries = 0;
    for (const o of ordered) {
      if (o.id === fromId) continue;
      const c = claimOf(o);
      if (c && state.me && c.by !== state.me.name) continue;
      if (++tries > 8) break;
      try {
        return await api('POST', orderPath(o.id, '/claim'));
      } catch (e) {
        if (e.status !== 409) throw e;
      }
    }
    return null;
  }

  function rememberClaim(detail) {
    if (!detail || !detail.record) return;
    if (detail.claimed_by) state.claims[detail.record.id] = { by: detail.claimed_by, expires: detail.claim_expires };
    else delete state.claims[detail.record.id];
  }

  function releaseQuietly(d) {
    if (!d || !state.me || d.claimedBy !== state.me.name || d.record.status !== 'pending_review') return;
    delete state.claims[d.record.id];
    api('POST', orderPath(d.record.id, '/release')).catch(() => { /* the lease will expire */ });
  }

  // ---------------------------------------------------------------- detail

  function leaveDetail() {
    const d = state.detail;
    if (!d) return;
    if (d.audio) { try { d.audio.pause(); } catch (_) { /* ignore */ } }
    for (const url of d.urls) URL.revokeObjectURL(url);
    state.detail = null;
    state.detailGen++;
  }

  async function showDetail(id) {
    if (state.detail && state.detail.record.id === id && state.view === 'detail' && !state.preloaded) return;
    leaveDetail();
    const gen = ++state.detailGen;
    showView('detail');
    document.title = `intake · ${id}`;
    $('#detail-title').textContent = id;
    $('#detail-status').replaceChildren();
    $('#claim').textContent = '';
    $('#claim').className = 'claim none';
    $('#detail-header').replaceChildren(el('dd', { class: 'muted' }, 'Loading…'));
    $('#lines tbody').replaceChildren();
    $('#evidence-body').replaceChildren();
    $('#history-body').replaceChildren();
    setActionsEnabled({});

    let detail = null;
    if (state.preloaded && state.preloaded.record && state.preloaded.record.id === id) {
      detail = state.preloaded;
      state.preloaded = null;
    } else {
      state.preloaded = null;
      try {
        detail = await api('GET', orderPath(id));
      } catch (e) {
        if (gen !== state.detailGen) return;
        report(e);
        $('#detail-header').replaceChildren(el('dd', { class: 'error-box' }, e.message || 'cannot load the order'));
        return;
      }
      if (gen !== state.detailGen) return;
      const other = detail.claimed_by && state.me && detail.claimed_by !== state.me.name;
      if (detail.record.status === 'pending_review' && !other) {
        try {
          detail = await api('POST', orderPath(id, '/claim'));
        } catch (e) {
          if (gen !== state.detailGen) return;
          if (e.status === 409) {
            showStatus(e.message, 'warn');
            try { detail = await api('GET', orderPath(id)); } catch (_) { /* keep the first */ }
          } else {
            report(e);
          }
        }
        if (gen !== state.detailGen) return;
      }
    }
    rememberClaim(detail);
    renderDetail(detail, gen);
  }

  function claimState(detail) {
    const me = state.me ? state.me.name : '';
    const rec = detail.record;
    if (detail.claimed_by) {
      const mine = detail.claimed_by === me;
      const until = detail.claim_expires ? ` until ${fmtTime(detail.claim_expires)}` : '';
      return {
        mine, other: !mine,
        text: `claimed by ${detail.claimed_by}${until}${mine ? '' : ' — read only until then'}`,
        cls: mine ? 'claim mine' : 'claim other',
      };
    }
    if (rec.status === 'pending_review') return { mine: false, other: false, text: 'not claimed', cls: 'claim none' };
    return { mine: false, other: false, text: `${rec.status.replace(/_/g, ' ')}: nothing to claim`, cls: 'claim none' };
  }

  function renderDetail(detail, gen) {
    const rec = detail.record;
    const intent = rec.intent || { lines: [], notes: [] };
    const claim = claimState(detail);
    const d = {
      detail, record: rec, urls: [], audio: null, removed: new Set(), added: [],
      claimedBy: detail.claimed_by || null, claimOther: claim.other, segmentEnd: null,
    };
    state.detail = d;
    state.queue.selectedId = rec.id;

    $('#detail-title').textContent = rec.id;
    $('#detail-status').replaceChildren(append(document.createDocumentFragment(), [statusBadge(rec.status),
      detail.audit_sample ? [' ', badge('audit sample', 'review', 'kept in review as a random audit of an auto sandbox')] : null]));
    const claimEl = $('#claim');
    claimEl.textContent = claim.text;
    claimEl.className = claim.cls;
    if (detail.claim_expires) claimEl.title = detail.claim_expires; else claimEl.removeAttribute('title');

    renderHeader(rec, intent);
    renderLines(rec, intent);
    renderHistory(detail);
    updateActions();
    $('#reject-reason').value = '';
    $('#reject-reason').classList.remove('invalid');
    $('#review-note').value = '';
    renderEvidence(rec, gen);
  }

  const ANCHORED = new Set(['type', 'party', 'reference', 'procedure', 'diagnosis', 'notes', 'confidence']);

  /** A header row; intent fields carry data-anchor so their evidence can be highlighted. */
  function field(label, anchor, ...content) {
    return [el('dt', null, label), el('dd', { dataset: { anchor: ANCHORED.has(anchor) ? anchor : undefined, field: anchor } }, ...content)];
  }

  function editInput(path, value, opts) {
    const o = opts || {};
    const original = value === undefined || value === null ? '' : String(value);
    return el('input', {
      type: o.number ? 'number' : 'text',
      step: o.number ? 'any' : undefined,
      class: o.number ? 'num' : undefined,
      value: original,
      placeholder: o.placeholder,
      'aria-label': o.label || path,
      spellcheck: 'false',
      autocomplete: 'off',
      dataset: { path, original, kind: o.number ? 'number' : o.required ? 'required' : 'optional' },
      size: o.size,
    });
  }

  function renderHeader(rec, intent) {
    const dl = $('#detail-header');
    const source = rec.source || {};
    const items = [];
    items.push(field('Sandbox', 'sandbox', rec.sandbox
      ? el('a', { href: `#/sandboxes/${enc(rec.sandbox)}` }, rec.sandbox) : el('span', { class: 'muted' }, '—'),
    rec.pipeline ? el('span', { class: 'muted' }, `  pipeline ${rec.pipeline}`) : null));
    items.push(field('Source', 'source',
      el('span', { class: 'mono' }, source.uri || ''), ' ',
      el('span', { class: 'muted small' }, [source.modality || 'unknown modality',
        typeof source.bytes === 'number' ? `${source.bytes} bytes` : null,
        source.sender ? `from ${source.sender}` : null].filter(Boolean).join(' · '))));
    items.push(field('Created', 'created', timeEl(rec.created_at)));
    items.push(field('Confidence', 'confidence', confEl(intent.confidence)));
    items.push(field('Type', 'type', intent.type || '—'));
    if (intent.party) {
      const p = intent.party;
      items.push(field('Party', 'party',
        badge(p.kind || 'party'), ' ',
        editInput('party.name', p.name, { required: true, label: 'party name', size: 18 }), ' ',
        el('span', { class: 'muted small' }, 'id '),
        editInput('party.id', p.id, { label: 'party id', size: 8, placeholder: 'none' }),
        p.site ? el('span', { class: 'muted small' }, `  site ${p.site}`) : null));
    } else {
      items.push(field('Party', 'party', el('span', { class: 'muted' }, 'none')));
    }
    items.push(field('Reference', 'reference', editInput('reference', intent.reference, { label: 'reference', size: 18, placeholder: 'none' })));
    if (intent.procedure) {
      const pr = intent.procedure;
      items.push(field('Procedure', 'procedure', el('b', { class: 'mono' }, pr.code || ''), ' ', pr.title || '',
        pr.priority ? ' ' : null, pr.priority ? badge(pr.priority, pr.priority) : null));
    }
    if (intent.diagnosis) items.push(field('Diagnosis', 'diagnosis', diagnosisSummary(intent.diagnosis)));
    if (intent.notes && intent.notes.length) {
      items.push(field('Notes', 'notes', el('ul', null, intent.notes.map((n) => el('li', null, n)))));
    }
    if (rec.error) {
      // A failed order's input is a dead letter: once its cause is fixed it can run again
      // under the same order id.
      const retry = rec.status === 'failed' && state.me && state.me.role !== 'device'
        ? el('button', { id: 'retry-input', type: 'button', class: 'small', title: 'Run the original input through the pipeline again' }, 'Retry input')
        : null;
      if (retry) retry.addEventListener('click', () => retryInput(rec.id, retry));
      items.push(field('Error', 'error', el('div', { class: 'error-box' },
        el('b', { class: 'mono' }, rec.error.code || 'error'), rec.error.stage ? ` at ${rec.error.stage}` : '', ': ', rec.error.message || '',
        retry ? ' ' : null, retry)));
    }
    dl.replaceChildren(...items.flat());
  }

  function lineEvidence(rec, index) {
    const prefix = `intent.lines[${index}]`;
    return (rec.evidence || []).map((e, i) => ({ e, i }))
      .filter(({ e }) => e.field === prefix || (e.field || '').startsWith(`${prefix}.`));
  }

  function renderLines(rec, intent) {
    const tbody = $('#lines tbody');
    tbody.replaceChildren();
    const lines = intent.lines || [];
    lines.forEach((l, i) => {
      const audios = lineEvidence(rec, i).filter(({ e }) => e.audio && typeof e.audio.start === 'number');
      let play = null;
      if (audios.length) {
        const start = Math.min(...audios.map(({ e }) => e.audio.start));
        const end = Math.max(...audios.map(({ e }) => e.audio.end));
        play = el('button', {
          type: 'button', class: 'play icon', title: `play ${fmtNum(start, 2)}–${fmtNum(end, 2)} s`,
          'aria-label': `play line ${i + 1}`, dataset: { play: `${start}:${end}` },
          onclick: (ev) => { ev.stopPropagation(); playSegment(start, end, ev.currentTarget); },
        }, '▶');
      }
      const chips = [].concat(
        (l.modifiers || []).map((m) => el('span', { class: 'chip' }, m.replace(/_/g, ' '))),
        (l.handling || []).map((h) => el('span', { class: 'chip handling' }, h.replace(/_/g, ' '))));
      const tr = el('tr', { dataset: { line: i, anchor: `line:${i}` } },
        el('td', { class: 'num muted' }, String(i + 1)),
        el('td', null,
          el('div', { class: 'item-name' }, l.name || el('span', { class: 'muted' }, '(no match)')),
          l.text ? el('div', { class: 'item-text' }, `“${l.text}”`) : null,
          chips.length ? el('div', null, chips) : null),
        el('td', null, editInput(`lines[${i}].sku`, l.sku, { label: `line ${i + 1} SKU`, placeholder: 'none' })),
        el('td', { class: 'num' }, editInput(`lines[${i}].quantity`, l.quantity, { number: true, label: `line ${i + 1} quantity` })),
        el('td', null, editInput(`lines[${i}].unit`, l.unit, { label: `line ${i + 1} unit` })),
        el('td', { class: 'num' }, confEl(l.confidence)),
        el('td', { class: 'tools' }, play, ' ',
          el('button', {
            type: 'button', class: 'icon small remove-line', title: 'remove this line (part of the correction)',
            'aria-label': `remove line ${i + 1}`, onclick: (ev) => { ev.stopPropagation(); toggleRemoved(i); },
          }, '✕')));
      tbody.append(tr);
    });
    if (!lines.length) {
      tbody.append(el('tr', { class: 'no-lines' }, el('td', { colspan: 7, class: 'empty' }, 'No lines.')));
    }
  }

  function toggleRemoved(index) {
    const d = state.detail;
    if (!d) return;
    const tr = $(`#lines tr[data-line="${index}"]`);
    if (d.removed.has(index)) d.removed.delete(index); else d.removed.add(index);
    const removed = d.removed.has(index);
    tr.classList.toggle('removed', removed);
    $$('input', tr).forEach((i) => { i.disabled = removed; });
    const b = $('.remove-line', tr);
    b.textContent = removed ? '↺' : '✕';
    b.title = removed ? 'keep this line' : 'remove this line (part of the correction)';
    updateActions();
  }

  function addLine() {
    const d = state.detail;
    if (!d) return;
    const key = `new${Date.now()}${Math.random().toString(16).slice(2, 6)}`;
    d.added.push(key);
    const placeholder = $('#lines tr.no-lines');
    if (placeholder) placeholder.remove();
    const tr = el('tr', { class: 'added', dataset: { added: key } },
      el('td', { class: 'num muted' }, '+'),
      el('td', null, el('input', { type: 'text', placeholder: 'description (as read)', 'aria-label': 'new line text', dataset: { field: 'text' } })),
      el('td', null, el('input', { type: 'text', placeholder: 'SKU', 'aria-label': 'new line SKU', dataset: { field: 'sku' } })),
      el('td', { class: 'num' }, el('input', { type: 'number', step: 'any', class: 'num', value: '1', 'aria-label': 'new line quantity', dataset: { field: 'quantity' } })),
      el('td', null, el('input', { type: 'text', placeholder: 'unit', 'aria-label': 'new line unit', dataset: { field: 'unit' } })),
      el('td', null),
      el('td', { class: 'tools' }, el('button', {
        type: 'button', class: 'icon small', title: 'drop this new line',
        onclick: () => { d.added = d.added.filter((k) => k !== key); tr.remove(); renumberAdded(); updateActions(); },
      }, '✕')));
    $('#lines tbody').append(tr);
    renumberAdded();
    updateActions();
    $('input[data-field="sku"]', tr).focus();
  }

  /** Gives the added rows' inputs their contract paths: lines[count], lines[count+1], … */
  function renumberAdded() {
    const d = state.detail;
    const base = ((d.record.intent || {}).lines || []).length;
    $$('#lines tr[data-added]').forEach((tr, k) => {
      tr.dataset.line = String(base + k);
      $$('input[data-field]', tr).forEach((input) => { input.dataset.path = `lines[${base + k}].${input.dataset.field}`; });
    });
  }

  /** Value of an edit input as JSON: number, string, or null (removes an optional field). */
  function inputValue(input) {
    const raw = input.value.trim();
    const kind = input.dataset.kind;
    if (kind === 'number') {
      if (raw === '') return { invalid: true };
      const n = Number(raw);
      return isNaN(n) || !isFinite(n) ? { invalid: true } : { value: n };
    }
    if (kind === 'required') return raw === '' ? { invalid: true } : { value: raw };
    return { value: raw === '' ? null : raw };
  }

  function isChanged(input) {
    const original = input.dataset.original || '';
    if (input.dataset.kind === 'number') {
      const raw = input.value.trim();
      return raw === '' ? original !== '' : Number(raw) !== Number(original);
    }
    return input.value.trim() !== original.trim();
  }

  /** The correction to send: `set` with only the changed paths (or the whole `lines` array when lines were added or removed). */
  function collectCorrection() {
    const d = state.detail;
    const set = {};
    let count = 0;
    let invalid = false;
    const edits = $$('#detail-header input[data-path], #lines tr[data-line]:not([data-added]) input[data-path]');
    const structural = d.removed.size > 0 || d.added.length > 0;
    for (const input of edits) {
      if (input.disabled || !isChanged(input)) continue;
      const v = inputValue(input);
      if (v.invalid) { invalid = true; continue; }
      count++;
      if (structural && input.dataset.path.startsWith('lines[')) continue;
      set[input.dataset.path] = v.value;
    }
    if (structural) {
      const lines = [];
      ((d.record.intent || {}).lines || []).forEach((line, i) => {
        if (d.removed.has(i)) return;
        const copy = JSON.parse(JSON.stringify(line));
        for (const f of ['sku', 'quantity', 'unit']) {
          const input = $(`#lines input[data-path="lines[${i}].${f}"]`);
          if (!input || !isChanged(input)) continue;
          const v = inputValue(input);
          if (v.invalid) continue;
          if (v.value === null) delete copy[f]; else copy[f] = v.value;
        }
        lines.push(copy);
      });
      for (const tr of $$('#lines tr[data-added]')) {
        const get = (f) => $(`input[data-field="${f}"]`, tr).value.trim();
        const qty = Number(get('quantity'));
        const qInput = $('input[data-field="quantity"]', tr);
        const bad = get('quantity') === '' || isNaN(qty);
        qInput.classList.toggle('invalid', bad);
        if (bad) { invalid = true; continue; }
        const line = { text: get('text') || get('sku') || '(added in review)', quantity: qty, modifiers: [], handling: [], confidence: 1 };
        if (get('sku')) line.sku = get('sku');
        if (get('unit')) line.unit = get('unit');
        lines.push(line);
      }
      set.lines = lines;
      count += d.removed.size + d.added.length;
    }
    return { set, count, invalid };
  }

  function permissions() {
    const d = state.detail;
    if (!d) return {};
    const status = d.record.status;
    const free = !d.claimOther;
    return {
      approve: free && status === 'pending_review',
      correct: free && (status === 'pending_review' || status === 'auto_approved'),
      reject: free && (status === 'pending_review' || status === 'auto_approved'),
      release: status === 'pending_review' && !!state.me && d.claimedBy === state.me.name,
    };
  }

  function setActionsEnabled(p) {
    $('#approve').disabled = !p.approve;
    $('#correct').disabled = !p.correctReady;
    $('#reject').disabled = !p.reject;
    $('#reject-reason').disabled = !p.reject;
    $('#release').disabled = !p.release;
    $('#add-line').disabled = !p.correct;
  }

  /** Marks changed inputs and enables "Save correction" when something changed. */
  function updateActions() {
    const d = state.detail;
    if (!d) { setActionsEnabled({}); return; }
    for (const input of $$('#detail-header input[data-path], #lines tr[data-line]:not([data-added]) input[data-path]')) {
      const changed = !input.disabled && isChanged(input);
      input.classList.toggle('changed', changed);
      input.classList.toggle('invalid', changed && !!inputValue(input).invalid);
    }
    for (const input of $$('#lines tr[data-added] input')) input.classList.add('changed');
    const p = permissions();
    const c = collectCorrection();
    p.correctReady = p.correct && c.count > 0 && !c.invalid && !state.busy;
    setActionsEnabled(p);
    const button = $('#correct');
    button.title = c.count ? `Save ${c.count} change${c.count === 1 ? '' : 's'} as a correction (c)` : 'Change a field first (c saves the correction)';
    button.firstChild.textContent = c.count ? `Save correction (${c.count}) ` : 'Save correction ';
    for (const input of $$('#detail-header input[data-path], #lines input')) {
      if (!input.closest('tr.removed')) input.disabled = !p.correct;
    }
    for (const button of $$('#lines .remove-line, #lines tr[data-added] button')) button.disabled = !p.correct;
  }

  function reviewNote() {
    const note = $('#review-note').value.trim();
    return note || undefined;
  }

  async function doReview(kind) {
    const d = state.detail;
    if (!d || state.busy) return;
    const p = permissions();
    const id = d.record.id;
    let body;
    let message;
    if (kind === 'approve') {
      if (!p.approve) {
        showStatus(d.claimOther ? `${id} is claimed by ${d.claimedBy}` : `${id} is ${d.record.status}; only pending orders can be approved`, 'warn');
        return;
      }
      body = {};
      if (reviewNote()) body.reason = reviewNote();
      message = `approved ${id}`;
    } else if (kind === 'correct') {
      if (!p.correct) {
        showStatus(d.claimOther ? `${id} is claimed by ${d.claimedBy}` : `${id} is ${d.record.status} and cannot be corrected`, 'warn');
        return;
      }
      const c = collectCorrection();
      if (c.invalid) { showStatus('fix the highlighted fields first (quantities are numbers; party name is required)', 'error'); return; }
      if (!c.count) { showStatus('nothing changed: edit a field, or approve the order as it is', 'warn'); return; }
      body = { set: c.set };
      if (reviewNote()) body.reason = reviewNote();
      message = `corrected ${id} (${c.count} change${c.count === 1 ? '' : 's'})`;
    } else {
      if (!p.reject) {
        showStatus(d.claimOther ? `${id} is claimed by ${d.claimedBy}` : `${id} is ${d.record.status} and cannot be rejected`, 'warn');
        return;
      }
      const reasonInput = $('#reject-reason');
      const reason = reasonInput.value.trim();
      if (!reason) {
        reasonInput.classList.add('invalid');
        reasonInput.focus();
        showStatus('write a reason to reject the order', 'warn');
        return;
      }
      body = { reason };
      message = `rejected ${id}`;
    }
    state.busy = true;
    updateActions();
    let ok = false;
    try {
      const rec = await api('POST', orderPath(id, `/${kind}`), body);
      ok = true;
      delete state.claims[id];
      if (state.detail && state.detail.record.id === id && rec && rec.status) state.detail.record.status = rec.status;
      if (rec && rec.status && !message.includes(rec.status)) message += ` → ${rec.status.replace(/_/g, ' ')}`;
    } catch (e) {
      report(e);
    } finally {
      state.busy = false;
    }
    if (ok) {
      showStatus(message, 'success');
      await goNext(id, message);
    } else if (state.detail) {
      updateActions();
    }
  }

  /** Queues a failed order's dead letter again, then shows the order as the new run left it. */
  async function retryInput(id, button) {
    if (state.busy) return;
    state.busy = true;
    button.disabled = true;
    try {
      await api('POST', `/v1/deadletters/${enc(id)}/retry`);
      showStatus(`queued ${id} again`, 'success');
    } catch (e) {
      report(e);
      button.disabled = false;
      return;
    } finally {
      state.busy = false;
    }
    // The run takes a moment; look again until the order (or its failure count) changes.
    const seen = (detail) => JSON.stringify([detail.record, detail.history]);
    const before = state.detail && state.detail.record.id === id ? seen(state.detail.detail) : null;
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!state.detail || state.detail.record.id !== id) return;
      let fresh;
      try { fresh = await api('GET', orderPath(id)); } catch (_) { continue; }
      if (seen(fresh) !== before) {
        state.preloaded = fresh;
        await showDetail(id);
        return;
      }
    }
    button.disabled = false;
  }

  async function doRelease() {
    const d = state.detail;
    if (!d || state.busy) return;
    try {
      await api('POST', orderPath(d.record.id, '/release'));
      delete state.claims[d.record.id];
      showStatus(`released ${d.record.id}`, 'success');
      navigate('/queue');
    } catch (e) {
      report(e);
    }
  }

  async function openInputInTab() {
    const d = state.detail;
    if (!d) return;
    try {
      const input = await fetchInput(d);
      const win = window.open(input.url, '_blank');
      if (!win) showStatus('the browser blocked the new tab; allow pop-ups for this page', 'warn');
    } catch (e) {
      report(e.status === 404 ? Object.assign(e, { message: `the original input of ${d.record.id} was not kept (${e.message})` }) : e);
    }
  }

  // ---------------------------------------------------------------- history

  function renderHistory(detail) {
    const body = $('#history-body');
    body.replaceChildren();
    const history = detail.history || [];
    if (history.length) {
      body.append(el('table', { class: 'grid compact', id: 'history-audit' },
        el('thead', null, el('tr', null, ['At', 'Actor', 'Action', 'Status', 'Reason'].map((h) => el('th', null, h)))),
        el('tbody', null, history.map((h) => el('tr', { dataset: { seq: h.seq } },
          el('td', null, timeEl(h.at)),
          el('td', null, h.actor || ''),
          el('td', { class: 'mono' }, h.action || ''),
          el('td', null, h.from_status || h.to_status ? `${h.from_status || '—'} → ${h.to_status || '—'}` : ''),
          el('td', null, h.reason || ''))))));
    } else {
      body.append(el('p', { class: 'muted' }, 'No audit entries.'));
    }
    const reviews = detail.reviews || [];
    if (reviews.length) {
      body.append(el('h3', null, 'Reviews'));
      body.append(el('table', { class: 'grid compact', id: 'history-reviews' },
        el('thead', null, el('tr', null, ['At', 'Reviewer', 'Action', 'Reason', 'Changes'].map((h) => el('th', null, h)))),
        el('tbody', null, reviews.map((r) => el('tr', null,
          el('td', null, timeEl(r.at)),
          el('td', null, r.actor || ''),
          el('td', null, r.action || ''),
          el('td', null, r.reason || ''),
          el('td', null, (r.changes || []).length ? el('ul', { class: 'plain' }, r.changes.map((c) => el('li', null,
            el('span', { class: 'mono' }, c.path), ': ',
            el('span', { class: 'change-before' }, jsonText(c.before)), ' → ',
            el('span', { class: 'change-after' }, jsonText(c.after))))) : ''))))));
    }
  }

  // ---------------------------------------------------------------- evidence

  function kindOf(fieldName) {
    const f = String(fieldName || '').replace(/^intent\./, '');
    if (f.startsWith('party')) return 'party';
    const m = f.match(/^lines\[\d+\]\.(\w+)/);
    if (m) return m[1];
    return 'other';
  }

  /** What an evidence field links to on the left: `line:N` or a header field name. */
  function anchorOf(fieldName) {
    const f = String(fieldName || '').replace(/^intent\./, '');
    const m = f.match(/^lines\[(\d+)\]/);
    if (m) return `line:${m[1]}`;
    return f.split(/[.[]/)[0];
  }

  async function fetchInput(d) {
    if (d.input) return d.input;
    if (!d.inputPromise) {
      d.inputPromise = (async () => {
        const res = await api('GET', orderPath(d.record.id, '/input'), undefined, { raw: true });
        const type = (res.headers.get('Content-Type') || 'application/octet-stream').toLowerCase();
        const blob = await res.blob();
        const url = URL.createObjectURL(blob);
        d.urls.push(url);
        d.input = { type, blob, url };
        return d.input;
      })();
      d.inputPromise.catch(() => { d.inputPromise = null; });
    }
    return d.inputPromise;
  }

  function evidenceTitle(items) {
    return items.map(({ e }) => `${e.field} · ${e.method}${e.detail ? ` — ${e.detail}` : ''}${typeof e.confidence === 'number' ? ` (${fmtPercent(e.confidence)})` : ''}`).join('\n');
  }

  async function renderEvidence(rec, gen) {
    const body = $('#evidence-body');
    body.replaceChildren();
    const d = state.detail;
    const evidence = rec.evidence || [];
    const indexed = evidence.map((e, i) => ({ e, i }));
    const placed = new Set();
    const intent = rec.intent || {};
    const hasPeak = evidence.some((e) => e.peak);
    const needsInput = evidence.some((e) => e.span || e.audio || e.box);

    if (!evidence.length && !intent.diagnosis) {
      body.append(el('p', { class: 'muted' }, rec.status === 'failed' ? 'No evidence: the input could not be read.' : 'No evidence recorded.'));
    }

    if (hasPeak || intent.diagnosis) body.append(renderVibration(rec, indexed, placed));

    if (needsInput) {
      const section = el('section', { id: 'evidence-input' }, el('p', { class: 'muted' }, 'Loading the original input…'));
      body.append(section);
      try {
        const input = await fetchInput(d);
        if (gen !== state.detailGen) return;
        section.replaceChildren();
        await renderInput(section, input, indexed, placed, gen);
        if (gen !== state.detailGen) return;
      } catch (e) {
        if (gen !== state.detailGen) return;
        section.replaceChildren(el('p', { class: 'muted' }, e.status === 404
          ? 'The original input was not kept; its evidence is listed below.'
          : `Cannot load the original input: ${e.message}`));
      }
    }

    const rest = indexed.filter(({ i }) => !placed.has(i));
    if (rest.length) {
      body.append(el('h3', null, placed.size ? 'Other evidence' : 'Evidence'));
      body.append(evidenceTable(rest));
    }
    highlight(null);
  }

  async function renderInput(section, input, indexed, placed, gen) {
    const type = input.type;
    if (type.startsWith('text/')) {
      const text = await input.blob.text();
      if (gen !== state.detailGen) return;
      renderText(section, text, indexed, placed);
    } else if (type.startsWith('audio/')) {
      renderAudio(section, input, indexed, placed);
    } else if (/^image\/(png|jpe?g|gif|webp|bmp|svg\+xml)/.test(type)) {
      renderImage(section, input, indexed, placed);
    } else if (type.startsWith('application/pdf')) {
      section.append(el('h3', null, 'Scanned document (PDF)'),
        el('p', { class: 'muted small' }, 'Boxes cannot be drawn on a PDF here; they are listed below.'),
        el('iframe', { src: input.url, title: 'original document', style: { width: '100%', height: '520px', border: '1px solid #d9dde3' } }));
    } else {
      section.append(el('p', { class: 'muted' }, `The original input is ${type}; this page cannot show it inline. `,
        el('a', { href: input.url, download: `${state.detail.record.id}` }, 'Download it'), '.'));
    }
  }

  const KIND_LABELS = [['party', 'party'], ['sku', 'material'], ['quantity', 'quantity'], ['unit', 'unit'], ['modifiers', 'modifiers / handling'], ['other', 'other']];

  function renderText(section, text, indexed, placed) {
    const chars = Array.from(text); // offsets are Unicode scalars, not UTF-16 units
    const spans = indexed.filter(({ e }) => e.span && typeof e.span.start === 'number' && typeof e.span.end === 'number'
      && e.span.end > e.span.start && e.span.start < chars.length);
    const cuts = new Set([0, chars.length]);
    for (const { e } of spans) {
      cuts.add(Math.max(0, e.span.start));
      cuts.add(Math.min(chars.length, e.span.end));
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const box = el('div', { class: 'evidence-text', id: 'evidence-text' });
    for (let k = 0; k < points.length - 1; k++) {
      const a = points[k];
      const b = points[k + 1];
      const segment = chars.slice(a, b).join('');
      const covering = spans.filter(({ e }) => e.span.start <= a && e.span.end >= b);
      if (!covering.length) {
        box.append(segment);
        continue;
      }
      const last = covering[covering.length - 1];
      box.append(el('mark', {
        class: `ev k-${kindOf(last.e.field)}${covering.length > 1 ? ' multi' : ''}`,
        title: evidenceTitle(covering),
        dataset: { ev: covering.map(({ i }) => i).join(' ') },
      }, segment));
    }
    for (const { i } of spans) placed.add(i);
    const legendKey = (k) => (k === 'handling' ? 'modifiers' : KIND_LABELS.some(([l]) => l === k) ? k : 'other');
    const kinds = new Set(spans.map(({ e }) => legendKey(kindOf(e.field))));
    section.append(el('h3', null, 'Original message'),
      el('div', { class: 'legend' }, KIND_LABELS.filter(([k]) => kinds.has(k)).map(([k, label]) => el('mark', { class: `ev k-${k}` }, label))),
      box);
  }

  function renderAudio(section, input, indexed, placed) {
    const d = state.detail;
    const audio = el('audio', { controls: true, preload: 'metadata', src: input.url, id: 'evidence-audio' });
    d.audio = audio;
    audio.addEventListener('timeupdate', checkSegmentEnd);
    audio.addEventListener('pause', () => $$('button.play.playing').forEach((b) => b.classList.remove('playing')));
    const spans = indexed.filter(({ e }) => e.audio && typeof e.audio.start === 'number');
    section.append(el('h3', null, 'Voice message'), audio);
    if (spans.length) {
      section.append(el('table', { class: 'grid compact', id: 'evidence-audio-spans' },
        el('thead', null, el('tr', null, ['', 'Field', 'Heard', 'Time'].map((h) => el('th', null, h)))),
        el('tbody', null, spans.map(({ e, i }) => el('tr', { dataset: { ev: i }, title: evidenceTitle([{ e }]) },
          el('td', null, el('button', {
            type: 'button', class: 'play icon', 'aria-label': `play ${e.field}`,
            onclick: (ev) => playSegment(e.audio.start, e.audio.end, ev.currentTarget),
          }, '▶')),
          el('td', { class: 'mono small' }, e.field.replace(/^intent\./, '')),
          el('td', null, e.text || '', e.detail ? el('div', { class: 'muted small' }, e.detail) : null),
          el('td', { class: 'num small' }, `${fmtNum(e.audio.start, 2)}–${fmtNum(e.audio.end, 2)} s`))))));
      for (const { i } of spans) placed.add(i);
    }
  }

  function checkSegmentEnd() {
    const d = state.detail;
    if (!d || !d.audio || d.segmentEnd === null) return;
    if (d.audio.currentTime >= d.segmentEnd) {
      d.audio.pause();
      d.segmentEnd = null;
    }
  }

  async function playSegment(start, end, button) {
    const d = state.detail;
    if (!d) return;
    if (!d.audio) {
      showStatus('the audio is not loaded (yet)', 'warn');
      return;
    }
    const audio = d.audio;
    try {
      if (audio.readyState < 1) await once(audio, 'loadedmetadata');
      audio.pause();
      d.segmentEnd = end;
      audio.currentTime = start;
      await audio.play();
      $$('button.play.playing').forEach((b) => b.classList.remove('playing'));
      if (button) button.classList.add('playing');
      const tick = () => {
        if (!state.detail || state.detail.audio !== audio || d.segmentEnd === null || audio.paused) return;
        checkSegmentEnd();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    } catch (e) {
      showStatus(`cannot play the audio: ${e.message}`, 'error');
    }
  }

  function renderImage(section, input, indexed, placed) {
    const boxes = indexed.filter(({ e }) => e.box && (e.box.page || 1) === 1);
    const wrap = el('div', { class: 'page-wrap', id: 'evidence-page' });
    const img = el('img', { alt: 'page 1 of the original document', src: input.url });
    wrap.append(img);
    const note = el('p', { class: 'muted small' }, boxes.length ? `${boxes.length} box${boxes.length === 1 ? '' : 'es'} on page 1; click a line to find its box.` : '');
    section.append(el('h3', null, 'Scanned page 1'), note, el('div', { class: 'page-scroll' }, wrap));
    for (const { i } of boxes) placed.add(i);
    const draw = () => {
      const W = img.naturalWidth;
      const H = img.naturalHeight;
      if (!W || !H) return;
      // Percentages of the natural size scale with the displayed image.
      for (const { e, i } of boxes) {
        const b = e.box;
        wrap.append(el('div', {
          class: `ev-box k-${kindOf(e.field)}`,
          title: evidenceTitle([{ e }]) + (e.text ? `\n“${e.text}”` : ''),
          dataset: { ev: i },
          style: {
            left: `${(b.x / W) * 100}%`, top: `${(b.y / H) * 100}%`,
            width: `${(b.width / W) * 100}%`, height: `${(b.height / H) * 100}%`,
          },
        }));
      }
    };
    if (img.complete && img.naturalWidth) draw(); else img.addEventListener('load', draw, { once: true });
    img.addEventListener('error', () => {
      note.textContent = `This browser cannot show ${input.type}. `;
      note.append(el('a', { href: input.url, download: state.detail ? state.detail.record.id : 'input' }, 'Download the page'), '.');
      section.append(el('h3', null, 'Boxes'), evidenceTable(boxes));
    }, { once: true });
  }

  function niceStep(range, target) {
    const raw = range / target;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  }

  function expectedHz(e) {
    const m = String(e.detail || '').match(/expected\s+([0-9]+(?:\.[0-9]+)?)\s*Hz/i);
    return m ? Number(m[1]) : null;
  }

  function renderVibration(rec, indexed, placed) {
    const section = el('section', { id: 'evidence-vibration' });
    const diag = (rec.intent || {}).diagnosis;
    if (diag) {
      const hz = typeof diag.rpm === 'number' ? ` (${fmtNum(diag.rpm / 60, 2)} Hz)` : '';
      section.append(el('h3', null, 'Diagnosis'), el('dl', { class: 'fields', id: 'diagnosis' },
        el('dt', null, 'Fault'), el('dd', null, el('b', null, faultLabel(diag.fault))),
        el('dt', null, 'Confidence'), el('dd', null, confEl(diag.confidence)),
        diag.iso_zone ? [el('dt', null, 'ISO 10816-3 zone'), el('dd', null, badge(diag.iso_zone, `zone-${diag.iso_zone}`))] : null,
        typeof diag.velocity_rms_mm_s === 'number' ? [el('dt', null, 'Velocity RMS'), el('dd', null, `${fmtNum(diag.velocity_rms_mm_s, 2)} mm/s`)] : null,
        typeof diag.rpm === 'number' ? [el('dt', null, 'Speed'), el('dd', null, `${fmtNum(diag.rpm)} rpm${hz}`)] : null));
    }
    const peaks = indexed.filter(({ e }) => e.peak && typeof e.peak.frequency_hz === 'number');
    if (peaks.length) {
      section.append(el('h3', null, 'Spectrum peaks'), spectrumPlot(peaks));
      for (const { i } of peaks) placed.add(i);
    }
    const notes = indexed.filter(({ e, i }) => !placed.has(i) && !e.span && !e.audio && !e.box && !e.peak
      && !(e.path && e.path.length) && (e.detail || e.text) && String(e.field || '').startsWith('intent.diagnosis'));
    if (notes.length) {
      section.append(el('h3', null, 'Signal checks'), el('ul', { class: 'plain', id: 'vibration-checks' }, notes.map(({ e, i }) => {
        placed.add(i);
        const name = String(e.field).replace(/^intent\.diagnosis\.?/, '') || 'diagnosis';
        return el('li', { dataset: { ev: i }, title: `${e.field} · ${e.method}` },
          el('b', null, name.replace(/_/g, ' ')), ' ', el('span', { class: 'muted small' }, `(${e.method})`),
          e.text ? ` ${e.text}` : '', e.detail ? ` — ${e.detail}` : '');
      })));
    }
    return section;
  }

  function spectrumPlot(peaks) {
    const W = 560;
    const H = 250;
    const m = { l: 16, r: 16, t: 52, b: 40 };
    const pw = W - m.l - m.r;
    const ph = H - m.t - m.b;
    const expected = [];
    for (const { e } of peaks) {
      const x = expectedHz(e);
      if (x !== null && !expected.some((v) => Math.abs(v.hz - x) < 1e-6)) expected.push({ hz: x, label: e.text || '' });
    }
    const maxF = Math.max(...peaks.map(({ e }) => e.peak.frequency_hz), ...expected.map((x) => x.hz), 1);
    const step = niceStep(maxF * 1.12, 6);
    const xMax = Math.ceil((maxF * 1.12) / step) * step;
    const X = (f) => m.l + (f / xMax) * pw;
    const isVelocity = (e) => /velocity/.test(e.peak.spectrum || '');
    const maxAmp = (group) => Math.max(...group.map(({ e }) => Math.abs(e.peak.amplitude) || 0), 1e-12);
    const env = peaks.filter(({ e }) => !isVelocity(e));
    const vel = peaks.filter(({ e }) => isVelocity(e));
    const envMax = env.length ? maxAmp(env) : 1;
    const velMax = vel.length ? maxAmp(vel) : 1;

    const svg = svgEl('svg', {
      class: 'vib-plot', id: 'spectrum-plot', viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': 'Spectrum peaks on a frequency axis in Hz',
    });
    const base = m.t + ph;
    // grid and axis
    for (let f = 0; f <= xMax + 1e-9; f += step) {
      const x = X(f);
      svg.append(
        svgEl('line', { x1: x, x2: x, y1: m.t, y2: base, stroke: '#eef0f3' }),
        svgEl('line', { x1: x, x2: x, y1: base, y2: base + 5, stroke: '#6b7280' }),
        svgEl('text', { x, y: base + 18, 'text-anchor': 'middle', 'font-size': 11, fill: '#4b5563' }, fmtNum(f)));
    }
    svg.append(svgEl('line', { x1: m.l, x2: m.l + pw, y1: base, y2: base, stroke: '#6b7280' }),
      svgEl('text', { x: m.l + pw, y: base + 34, 'text-anchor': 'end', 'font-size': 11, fill: '#4b5563' }, 'frequency (Hz)'));
    // expected frequencies
    for (const x of expected) {
      svg.append(svgEl('line', {
        x1: X(x.hz), x2: X(x.hz), y1: m.t - 6, y2: base, stroke: '#6b7280', 'stroke-dasharray': '4 3', 'stroke-width': 1,
        class: 'expected', 'data-hz': x.hz,
      }, svgEl('title', null, `expected ${x.label ? `${x.label} ` : ''}${fmtNum(x.hz, 2)} Hz`)));
    }
    // stems, with labels staggered when they would overlap
    const labels = [];
    const sorted = peaks.slice().sort((a, b) => a.e.peak.frequency_hz - b.e.peak.frequency_hz);
    for (const { e, i } of sorted) {
      const velocity = isVelocity(e);
      const colour = velocity ? '#d9480f' : '#1f5fbf';
      // Each spectrum is scaled to its own largest peak; velocity stems stay lower so the two are not confused.
      const rel = (Math.abs(e.peak.amplitude) / (velocity ? velMax : envMax)) * (velocity && env.length ? 0.6 : 1);
      const h = Math.max(4, rel * ph);
      const x = X(e.peak.frequency_hz);
      const top = base - h;
      let y = top - 20;
      while (labels.some((l) => Math.abs(l.x - x) < 52 && Math.abs(l.y - y) < 22)) y -= 22;
      y = Math.max(12, y);
      labels.push({ x, y });
      const name = e.text || (velocity ? '1× shaft' : `${fmtNum(e.peak.frequency_hz, 1)} Hz`);
      const unit = velocity ? ' mm/s' : '';
      const tip = [`${name}: ${fmtNum(e.peak.frequency_hz, 3)} Hz, amplitude ${fmtNum(e.peak.amplitude, 3)}${unit} (${e.peak.spectrum || 'spectrum'})`,
        e.detail || '', `${e.field} · ${e.method}`].filter(Boolean).join('\n');
      svg.append(svgEl('g', { class: 'stem', 'data-ev': i },
        svgEl('title', null, tip),
        svgEl('line', { x1: x, x2: x, y1: base, y2: top, stroke: colour, 'stroke-width': 3, 'stroke-linecap': 'butt' }),
        svgEl('circle', { cx: x, cy: top, r: 3.5, fill: colour }),
        svgEl('text', { x, y, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600, fill: colour, class: 'halo' }, name),
        svgEl('text', { x, y: y + 12, 'text-anchor': 'middle', 'font-size': 10, fill: '#4b5563', class: 'halo' }, `${fmtNum(e.peak.frequency_hz, 1)} Hz`)));
    }
    const legend = el('div', { class: 'legend' },
      env.length ? el('span', null, el('span', { class: 'swatch', style: { background: '#1f5fbf' } }), 'envelope spectrum') : null,
      vel.length ? el('span', null, el('span', { class: 'swatch', style: { background: '#d9480f' } }), 'velocity spectrum (mm/s)') : null,
      expected.length ? el('span', null, el('span', { class: 'swatch dashed' }), 'expected frequency') : null,
      el('span', null, 'heights relative to the largest peak of each spectrum'));
    return el('div', null, legend, svg);
  }

  function evidenceTable(items) {
    return el('table', { class: 'grid compact', id: 'evidence-table' },
      el('thead', null, el('tr', null, ['Field', 'Method', 'Text', 'Detail', 'Conf.', 'Path'].map((h) => el('th', null, h)))),
      el('tbody', null, items.map(({ e, i }) => {
        const where = [];
        if (e.span) where.push(`chars ${e.span.start}–${e.span.end}`);
        if (e.audio) where.push(`${fmtNum(e.audio.start, 2)}–${fmtNum(e.audio.end, 2)} s`);
        if (e.box) where.push(`page ${e.box.page}, ${e.box.x},${e.box.y} ${e.box.width}×${e.box.height}px`);
        if (e.peak) where.push(`${fmtNum(e.peak.frequency_hz, 2)} Hz`);
        return el('tr', { dataset: { ev: i } },
          el('td', { class: 'mono small' }, String(e.field || '').replace(/^intent\./, '')),
          el('td', null, e.method || ''),
          el('td', null, e.text || '', where.length ? el('div', { class: 'muted small' }, where.join('; ')) : null),
          el('td', null, e.detail || ''),
          el('td', { class: 'num' }, typeof e.confidence === 'number' ? confEl(e.confidence) : ''),
          el('td', { class: 'path' }, (e.path || []).map((step, k) => [k ? [' ', el('span', { class: 'arrow' }, '→'), ' '] : null, step])));
      })));
  }

  // ---------------------------------------------------------------- evidence ↔ field highlighting

  let hoverKey = null;

  /** Highlights evidence elements and the lines/fields they support. `sticky` uses the "active" class and scrolls. */
  function highlight(source, sticky) {
    const d = state.detail;
    const cls = sticky ? 'active' : 'hl';
    $$(`#view-detail .${cls}`).forEach((n) => n.classList.remove(cls));
    if (sticky) $$('#view-detail .hl').forEach((n) => n.classList.remove('hl'));
    if (!d || !source) return;
    const evidence = d.record.evidence || [];
    let indices = [];
    let anchors = [];
    if (source.anchor) {
      anchors = [source.anchor];
      indices = evidence.map((e, i) => (anchorOf(e.field) === source.anchor ? i : -1)).filter((i) => i >= 0);
      if (!indices.length) return; // nothing supports this field: no highlight
    } else if (source.ev) {
      indices = source.ev;
      anchors = Array.from(new Set(indices.map((i) => evidence[i] && anchorOf(evidence[i].field)).filter(Boolean)));
    }
    const set = new Set(indices.map(String));
    const targets = [];
    for (const n of $$('#view-detail [data-ev]')) {
      if (n.getAttribute('data-ev').split(' ').some((i) => set.has(i))) {
        n.classList.add(cls);
        if (sticky) n.classList.add('hl');
        targets.push(n);
      }
    }
    for (const a of anchors) {
      for (const n of $$(`#view-detail [data-anchor="${CSS.escape(a)}"]`)) {
        n.classList.add(cls);
        if (sticky) n.classList.add('hl');
      }
    }
    if (sticky && targets.length && source.anchor) {
      const inPanel = targets.find((n) => n.closest('#evidence'));
      if (inPanel) inPanel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  function sourceOf(node) {
    if (!node || !node.closest) return null;
    const evNode = node.closest('[data-ev]');
    if (evNode && evNode.closest('#view-detail')) return { key: `ev:${evNode.getAttribute('data-ev')}`, ev: evNode.getAttribute('data-ev').split(' ').map(Number) };
    const anchorNode = node.closest('[data-anchor]');
    if (anchorNode && anchorNode.closest('#view-detail')) return { key: `a:${anchorNode.dataset.anchor}`, anchor: anchorNode.dataset.anchor };
    return null;
  }

  function onDetailHover(event) {
    const source = sourceOf(event.target);
    const key = source ? source.key : null;
    if (key === hoverKey) return;
    hoverKey = key;
    $$('#view-detail .hl').forEach((n) => { if (!n.classList.contains('active')) n.classList.remove('hl'); });
    if (source) {
      const activeBefore = $$('#view-detail .active');
      highlight(source, false);
      activeBefore.forEach((n) => n.classList.add('hl'));
    } else {
      $$('#view-detail .active').forEach((n) => n.classList.add('hl'));
    }
  }

  function onDetailClick(event) {
    if (event.target.closest('button, a')) return;
    const source = sourceOf(event.target);
    if (source) highlight(source, true);
  }

  // ---------------------------------------------------------------- sandboxes

  function policyValue(s, key) {
    if (s[key] !== undefined && s[key] !== null) return s[key];
    return s.policy ? s.policy[key] : undefined;
  }

  function showSandboxes(selectedId) {
    showView('sandboxes');
    document.title = 'intake · sandboxes';
    loadSandboxTable().then(() => {
      if (selectedId) showSandboxDetail(selectedId);
      else { state.sandboxSelected = null; $('#sandbox-detail').hidden = true; }
    });
  }

  async function loadSandboxTable(quiet) {
    try {
      const data = await api('GET', '/v1/sandboxes');
      state.sandboxes = (data && data.sandboxes) || [];
      renderSandboxTable();
    } catch (e) {
      if (!quiet || e.status === 401) report(e);
    }
  }

  function renderSandboxTable() {
    const tbody = $('#sandboxes tbody');
    tbody.replaceChildren();
    if (!state.sandboxes.length) tbody.append(el('tr', null, el('td', { colspan: 8, class: 'empty' }, 'No sandboxes yet: they are created with their first order.')));
    for (const s of state.sandboxes) {
      const after = Number(policyValue(s, 'promote_after')) || 0;
      const streak = Number(s.streak) || 0;
      const ratio = after ? Math.min(1, streak / after) : 0;
      const upper = s.error_rate_upper95;
      const rate = s.error_rate;
      const tr = el('tr', { dataset: { sandboxId: s.id }, onclick: () => navigate(`/sandboxes/${enc(s.id)}`) },
        el('td', null, el('b', null, s.id), el('div', { class: 'muted small' }, [s.modality, s.source].filter(Boolean).join(' · '))),
        el('td', null, badge(s.mode, s.mode)),
        el('td', null, el('span', { class: `progress${ratio >= 1 || s.mode === 'auto' ? ' done' : ''}`, title: `${Math.round(ratio * 100)}% of the streak needed for promotion` },
          el('span', { style: { width: `${ratio * 100}%` } })), `${streak} / ${after || '—'}`),
        el('td', { class: 'num' }, String(s.reviewed ?? '')),
        el('td', { class: 'num' }, String(s.errors ?? '')),
        el('td', { class: 'num', title: typeof rate === 'number' ? `observed ${fmtPercent(rate, 2)}` : undefined }, fmtPercent(upper, 2)),
        el('td', { class: 'num' }, fmtNum(policyValue(s, 'min_confidence'))),
        el('td', { class: 'num' }, fmtPercent(policyValue(s, 'audit_rate'), 1)));
      if (s.id === state.sandboxSelected) tr.classList.add('selected');
      tbody.append(tr);
    }
  }

  async function showSandboxDetail(id) {
    state.sandboxSelected = id;
    $$('#sandboxes tbody tr[data-sandbox-id]').forEach((tr) => tr.classList.toggle('selected', tr.dataset.sandboxId === id));
    const box = $('#sandbox-detail');
    box.hidden = false;
    $('#sandbox-title').textContent = id;
    $('#sandbox-facts').replaceChildren();
    $('#sandbox-history').replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const data = await api('GET', `/v1/sandboxes/${enc(id)}`);
      if (state.sandboxSelected !== id) return;
      renderSandboxDetail(data);
    } catch (e) {
      report(e);
      $('#sandbox-history').replaceChildren(el('p', { class: 'error-box' }, e.message));
    }
  }

  function renderSandboxDetail(data) {
    const s = data.sandbox || {};
    const history = data.history || [];
    const title = $('#sandbox-title');
    title.replaceChildren(s.id || state.sandboxSelected, ' ', badge(s.mode || '?', s.mode));
    const overrides = s.overrides && Object.keys(s.overrides).length ? JSON.stringify(s.overrides) : 'none';
    const after = policyValue(s, 'promote_after');
    const maxBound = policyValue(s, 'max_error_bound');
    $('#promote').disabled = s.mode === 'auto';
    $('#demote').disabled = s.mode === 'review';
    const facts = el('p', { class: 'muted small' },
      `streak ${s.streak ?? '—'} of ${after ?? '—'} · reviewed ${s.reviewed ?? '—'} · errors ${s.errors ?? '—'} · `
      + `error rate ${fmtPercent(s.error_rate, 2)} (≤ ${fmtPercent(s.error_rate_upper95, 2)} at 95%)`
      + `${typeof maxBound === 'number' ? ` · max bound ${fmtPercent(maxBound, 2)}` : ''} · overrides ${overrides}`
      + `${s.updated_at ? ` · updated ${fmtDateTime(s.updated_at)}` : ''}`);
    $('#sandbox-facts').replaceChildren(facts);
    const list = $('#sandbox-history');
    list.replaceChildren(el('button', {
      type: 'button', class: 'small', id: 'sandbox-queue',
      onclick: () => { ensureSandboxOption(s.id); saveFilters(); navigate('/queue'); },
    }, 'Show its orders'));
    if (!history.length) {
      list.append(el('p', { class: 'muted' }, 'No history.'));
      return;
    }
    list.append(el('h3', null, 'History'), el('table', { class: 'grid compact', id: 'sandbox-history-table' },
      el('thead', null, el('tr', null, ['At', 'Actor', 'Action', 'Mode', 'Reason'].map((h) => el('th', null, h)))),
      el('tbody', null, history.slice().reverse().map((h) => el('tr', { dataset: { action: h.action } },
        el('td', null, timeEl(h.at)),
        el('td', null, h.actor || ''),
        el('td', null, badge(String(h.action || '').replace(/^sandbox\./, ''),
          /promoted/.test(h.action) ? 'auto' : /demoted/.test(h.action) ? 'rejected' : '')),
        el('td', null, h.from_status || h.to_status ? `${h.from_status || '—'} → ${h.to_status || '—'}` : ''),
        el('td', null, h.reason || ''))))));
  }

  async function changeSandboxMode(action) {
    const id = state.sandboxSelected;
    if (!id) return;
    const input = $('#sandbox-reason');
    const reason = input.value.trim();
    if (!reason) {
      input.classList.add('invalid');
      input.focus();
      showStatus(`write a reason to ${action} ${id}`, 'warn');
      return;
    }
    input.classList.remove('invalid');
    const buttons = [$('#promote'), $('#demote')];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await api('POST', `/v1/sandboxes/${enc(id)}/${action}`, { reason });
      input.value = '';
      showStatus(`${action === 'promote' ? 'promoted' : 'demoted'} ${id}`, 'success');
      await loadSandboxTable();
      await showSandboxDetail(id);
    } catch (e) {
      if (e.status === 403 && !/admin/i.test(e.message)) e.message = `${e.message} (promoting and demoting needs an admin token)`;
      report(e);
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // ---------------------------------------------------------------- keyboard

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    const typing = target && target.matches && target.matches('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
    if (typing) {
      if (event.key === 'Escape') {
        target.blur();
        event.preventDefault();
      } else if (event.key === 'Enter' && target.id === 'reject-reason') {
        event.preventDefault();
        doReview('reject');
      } else if (event.key === 'Enter' && target.id === 'sandbox-reason') {
        event.preventDefault();
      } else if (event.key === 'Enter' && state.view === 'detail' && target.matches('#detail-header input, #lines input')) {
        event.preventDefault();
        doReview('correct');
      }
      return;
    }
    if (state.view === 'token' || !state.me) return;
    const onControl = target && target.matches && target.matches('button, a[href]');
    const key = event.key;
    if (state.view === 'queue') {
      if (key === 'j' || key === 'ArrowDown' && !onControl) {
        state.queue.selectedId = moveSelection('#queue', 'data-order-id', 1) || state.queue.selectedId;
        event.preventDefault();
      } else if (key === 'k' || key === 'ArrowUp' && !onControl) {
        state.queue.selectedId = moveSelection('#queue', 'data-order-id', -1) || state.queue.selectedId;
        event.preventDefault();
      } else if (key === 'Enter' && !onControl) {
        const row = $('#queue tbody tr.selected[data-order-id]');
        if (row) { event.preventDefault(); openOrder(row.dataset.orderId); }
      } else if (key === 'n') {
        event.preventDefault();
        goNext(null);
      }
    } else if (state.view === 'detail') {
      if (key === 'a') { event.preventDefault(); doReview('approve'); }
      else if (key === 'c') { event.preventDefault(); doReview('correct'); }
      else if (key === 'r') {
        event.preventDefault();
        const input = $('#reject-reason');
        if (input.disabled) showStatus('this order cannot be rejected now', 'warn'); else input.focus();
      } else if (key === 'n') { event.preventDefault(); goNext(state.detail ? state.detail.record.id : null); }
      else if (key === 'Escape') { event.preventDefault(); navigate('/queue'); }
    } else if (state.view === 'sandboxes') {
      if (key === 'j' || key === 'k') {
        event.preventDefault();
        moveSelection('#sandboxes', 'data-sandbox-id', key === 'j' ? 1 : -1);
      } else if (key === 'Enter' && !onControl) {
        const row = $('#sandboxes tbody tr.selected[data-sandbox-id]');
        if (row) { event.preventDefault(); navigate(`/sandboxes/${enc(row.dataset.sandboxId)}`); }
      } else if (key === 'Escape') {
        event.preventDefault();
        navigate('/queue');
      }
    }
  }

  // ---------------------------------------------------------------- polling

  function poll() {
    if (document.hidden || !state.me) return;
    if (state.view === 'queue') loadQueue(true);
    else if (state.view === 'sandboxes') loadSandboxTable(true);
  }

  // ---------------------------------------------------------------- start

  function wire() {
    $('#token-form').addEventListener('submit', saveToken);
    $('#logout').addEventListener('click', (e) => {
      e.preventDefault();
      signOut(null);
      showStatus('signed out', 'info');
    });
    $('#filter-status').addEventListener('change', () => { saveFilters(); state.queue.orders = []; state.queue.loadedAt = null; renderQueue(); loadQueue(); });
    $('#filter-sandbox').addEventListener('change', () => { saveFilters(); state.queue.orders = []; state.queue.loadedAt = null; renderQueue(); loadQueue(); });
    $('#refresh').addEventListener('click', () => { loadSandboxOptions(); loadQueue(); });
    $('#queue-next').addEventListener('click', () => goNext(null));
    $('#approve').addEventListener('click', () => doReview('approve'));
    $('#correct').addEventListener('click', () => doReview('correct'));
    $('#reject').addEventListener('click', () => doReview('reject'));
    $('#release').addEventListener('click', doRelease);
    $('#next').addEventListener('click', () => goNext(state.detail ? state.detail.record.id : null));
    $('#open-input').addEventListener('click', openInputInTab);
    $('#add-line').addEventListener('click', addLine);
    $('#reject-reason').addEventListener('input', (e) => e.target.classList.remove('invalid'));
    $('#sandbox-reason').addEventListener('input', (e) => e.target.classList.remove('invalid'));
    $('#promote').addEventListener('click', () => changeSandboxMode('promote'));
    $('#demote').addEventListener('click', () => changeSandboxMode('demote'));
    $('#sandboxes-refresh').addEventListener('click', () => {
      loadSandboxTable();
      if (state.sandboxSelected) showSandboxDetail(state.sandboxSelected);
    });
    const detailView = $('#view-detail');
    detailView.addEventListener('input', (e) => { if (e.target.matches('input[data-path], #lines input')) updateActions(); });
    detailView.addEventListener('mouseover', onDetailHover);
    detailView.addEventListener('mouseleave', () => onDetailHover({ target: null }));
    detailView.addEventListener('click', onDetailClick);
    detailView.addEventListener('focusin', (e) => {
      if (e.target.matches('#lines input, #detail-header input')) {
        const source = sourceOf(e.target);
        if (source) highlight(source, true);
      }
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
    setInterval(poll, REFRESH_MS);
  }

  async function start() {
    wire();
    takeTokenFromHash();
    loadFilters();
    if (!state.token) {
      showView('token');
      $('#token-input').focus();
      return;
    }
    try {
      state.me = await api('GET', '/v1/me');
      showSession();
      if (state.me.role === 'device') showStatus(`${state.me.name} is a device token: it can submit inputs but not review orders`, 'warn');
      route();
    } catch (e) {
      if (!e.handled) {
        report(e);
        showView('token');
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
