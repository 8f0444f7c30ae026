// The operators' console: a page of the daemon's own API (/v1/...), in English and Russian.
// Written by hand, no library: every value from the gateway goes into the page as text, never as
// markup.
'use strict';

(() => {
  const WORDS = window.EAEU_I18N;
  const STATES = ['received', 'validated', 'rejected', 'signed', 'queued', 'sending', 'retrying',
    'delivered', 'acknowledged', 'dead'];
  const FINAL = ['rejected', 'acknowledged', 'dead'];
  const KINDS = ['inspection-report', 'suspension-notice', 'register-entry', 'summary-report',
    'summary-request', 'processing-result'];
  const COUNTRIES = ['AM', 'BY', 'KG', 'KZ', 'RU'];
  const RULES = ['DL-01', 'DL-02', 'DL-03', 'DL-04', 'DL-05', 'DL-06'];
  const OUTCOMES = ['acknowledged', 'delivered', 'progress', 'rejected', 'dead'];

  let lang = localStorage.getItem('eaeu.lang') ||
    (navigator.language && navigator.language.startsWith('ru') ? 'ru' : 'en');
  let token = sessionStorage.getItem('eaeu.token') || '';
  let me = null;  // {name, role}
  let rendering = 0;  // the latest view asked for; an older one that finishes late draws nothing

  // --- words ---------------------------------------------------------------------------------

  function t(key, vars) {
    let s = (WORDS[lang] && WORDS[lang][key]) || WORDS.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.split('{' + k + '}').join(String(v));
    return s;
  }

  function translateStatic() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    document.getElementById('lang').textContent = lang === 'ru' ? 'EN' : 'RU';
  }

  // --- the page ------------------------------------------------------------------------------

  // An element: el('a', {href: '#/x', class: 'c', onclick: f}, 'text', child, ...).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function table(headers, rows, attrs) {
    if (rows.length === 0) return el('p', {class: 'none'}, t('none'));
    return el('table', attrs || {},
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, t(h))))),
      el('tbody', {}, rows));
  }

  function status(text, isError) {
    const footer = document.getElementById('status');
    footer.textContent = text || '';
    footer.className = isError ? 'error' : '';
  }

  function time(iso) {
    return iso ? iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '—';
  }

  function stateBadge(state) {
    return el('span', {class: 'state state-' + state}, state);
  }

  function select(name, label, values, current, words) {
    return el('label', {}, el('span', {}, t(label)),
      el('select', {name},
        el('option', {value: ''}, t('filter.any')),
        values.map((v) => el('option', {value: v, selected: v === current},
          words ? t(words + v) : v))));
  }

  // --- the API -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function api(path, options) {
    const o = options || {};
    const headers = {Authorization: 'Bearer ' + token};
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    let reply;
    try {
      reply = await fetch(path, {
        method: o.method || 'GET', headers, cache: 'no-store',
        body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
      });
    } catch (e) {
      throw new ApiError(0, t('error.network'));
    }
    const text = await reply.text();
    if (!reply.ok) {
      let detail = text;
      try {
        detail = JSON.parse(text).detail || text;
      } catch (e) { /* not a problem document */ }
      if (reply.status === 401) detail = t('error.unauthorized') + ' ' + detail;
      if (reply.status === 403) detail = t('error.forbidden') + ' ' + detail;
      throw new ApiError(reply.status, detail);
    }
    if (o.text) return text;
    return text ? JSON.parse(text) : null;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // --- signing in ----------------------------------------------------------------------------

  async function signIn(candidate) {
    token = candidate;
    const who = await api('/v1/whoami');
    if (who.role === 'national') {
      token = '';
      throw new ApiError(403, t('signin.national'));
    }
    me = who;
    sessionStorage.setItem('eaeu.token', token);
  }

  function signOut() {
    // A view still loading is dropped: its answer (a 401 once the token is gone) must not show
    // the sign-in form on the page about to be reloaded.
    ++rendering;
    token = '';
    me = null;
    sessionStorage.removeItem('eaeu.token');
    location.hash = '';
    location.reload();
  }

  function showSignIn(error) {
    document.getElementById('nav').hidden = true;
    document.getElementById('signout').hidden = true;
    document.getElementById('who').textContent = '';
    const main = document.getElementById('main');
    main.replaceChildren(el('form', {id: 'signin', class: 'card', autocomplete: 'off',
      onsubmit: async (e) => {
        e.preventDefault();
        const value = document.getElementById('token').value.trim();
        try {
          await signIn(value);
          start();
        } catch (err) {
          document.getElementById('signin-error').textContent = err.message;
        }
      }},
    el('h1', {}, t('signin.title')),
    el('p', {}, t('signin.help')),
    el('label', {}, el('span', {}, t('signin.token')),
      el('input', {id: 'token', name: 'token', type: 'password', required: true})),
    el('button', {type: 'submit'}, t('signin.submit')),
    el('p', {id: 'signin-error', class: 'error', role: 'alert'}, error || '')));
  }

  const operator = () => me && me.role === 'operator';

  // --- views ---------------------------------------------------------------------------------

  function filtersForm(fields, params, onSubmitView) {
    return el('form', {class: 'filters', onsubmit: (e) => {
      e.preventDefault();
      const values = {};
      for (const [k, v] of new FormData(e.target).entries()) if (v) values[k] = v;
      location.hash = '#/' + onSubmitView + query(values);
    }}, fields, el('button', {type: 'submit'}, t('filter.apply')));
  }

  function messageRow(m) {
    return el('tr', {'data-id': m.id},
      el('td', {}, time(m.createdAt)),
      el('td', {}, el('a', {href: '#/message/' + m.id, class: 'mono'}, m.id.slice(0, 8))),
      el('td', {}, m.kind || '—'),
      el('td', {class: 'mono'}, m.eDocId || '—'),
      el('td', {}, m.sender.country + ' ' + m.sender.participant),
      el('td', {}, t('direction.' + m.direction)),
      el('td', {}, stateBadge(m.state)));
  }

  const MESSAGE_HEADERS = ['col.taken', 'col.id', 'col.kind', 'col.edoc', 'col.sender',
    'col.direction', 'col.state'];

  // A list that pages with "More" through the API's next links.
  async function pagedTable(first, headers, row, attrs) {
    const page = await api(first);
    const body = el('tbody', {}, page.items.map(row));
    const wrap = el('div', {});
    if (page.items.length === 0) {
      wrap.append(el('p', {class: 'none'}, t('none')));
      return wrap;
    }
    wrap.append(el('table', attrs || {},
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, t(h))))), body));
    let next = page.next;
    const more = el('button', {type: 'button', class: 'more', onclick: async () => {
      const p = await api(next);
      for (const item of p.items) body.append(row(item));
      next = p.next;
      more.hidden = !next;
    }}, t('more'));
    more.hidden = !next;
    wrap.append(more);
    return wrap;
  }

  async function viewMessages(params) {
    const form = filtersForm([
      el('label', {class: 'grow'}, el('span', {}, t('search')),
        el('input', {name: 'q', type: 'search', value: params.q || '',
          placeholder: t('search.placeholder')})),
      select('state', 'filter.state', STATES, params.state),
      select('kind', 'filter.kind', KINDS, params.kind),
      select('direction', 'filter.direction', ['outbound', 'inbound'], params.direction,
        'direction.'),
      select('country', 'filter.country', COUNTRIES, params.country),
    ], params, 'messages');
    const list = await pagedTable('/v1/messages' + query({...params, limit: 50}),
      MESSAGE_HEADERS, messageRow, {id: 'messages'});
    return [el('h1', {}, t('nav.messages')), form, list];
  }

  function actionBar(m) {
    if (!operator() || m.direction !== 'outbound') return null;
    const bar = el('div', {class: 'actions'});
    if (m.state === 'dead') {
      bar.append(el('button', {type: 'button', id: 'requeue', onclick: async () => {
        await api('/v1/messages/' + m.id + '/retry', {method: 'POST'});
        status(t('message.requeued'));
        render();
      }}, t('message.requeue')));
    }
    if (!FINAL.includes(m.state)) {
      const reason = el('input', {name: 'reason', id: 'cancel-reason', required: true,
        maxlength: 1000, placeholder: t('message.reason')});
      const form = el('form', {class: 'cancel', hidden: true, onsubmit: async (e) => {
        e.preventDefault();
        await api('/v1/messages/' + m.id + '/cancel',
          {method: 'POST', body: {reason: reason.value}});
        status(t('message.cancelled'));
        render();
      }}, reason, el('button', {type: 'submit', class: 'danger'}, t('message.confirmCancel')));
      bar.append(el('button', {type: 'button', id: 'cancel', onclick: () => {
        form.hidden = false;
        reason.focus();
      }}, t('message.cancel')), form);
    }
    return bar.childElementCount ? bar : null;
  }

  function verdictSection(verdict) {
    const violations = (verdict && verdict.violations) || [];
    return el('section', {id: 'verdict'}, el('h2', {}, t('message.verdict')),
      violations.length === 0 ? el('p', {}, t('message.noViolations')) :
        table(['col.rule', 'col.severity', 'col.path', 'col.message'], violations.map((v) =>
          el('tr', {class: 'severity-' + v.severity},
            el('td', {class: 'mono'}, v.rule),
            el('td', {}, v.severity),
            el('td', {class: 'mono path'}, v.path || ''),
            el('td', {}, el('div', {lang: 'ru', class: lang === 'ru' ? '' : 'secondary'},
              v.messageRu || ''),
            el('div', {lang: 'en', class: lang === 'en' ? '' : 'secondary'}, v.message || ''))))));
  }

  // A received document's verdict on its signature; for one this gateway signed, who signed it
  // (the history's line of the move to signed).
  function signatureSection(m) {
    const verdict = m.signatureVerdict;
    const signed = (m.history || []).find((h) => h.state === 'signed');
    const body = verdict ? el('pre', {}, typeof verdict === 'string' ? verdict :
      JSON.stringify(verdict, null, 2)) :
      signed ? el('p', {}, t('message.signedBy') + ' ', el('span', {class: 'mono'}, signed.detail)) :
        el('p', {}, t('message.noSignature'));
    return el('section', {id: 'signature'}, el('h2', {}, t('message.signature')), body);
  }

  async function viewMessage(params, id) {
    const m = await api('/v1/messages/' + encodeURIComponent(id));
    const summary = el('dl', {class: 'summary'},
      el('dt', {}, t('col.id')), el('dd', {class: 'mono', id: 'message-id'}, m.id),
      el('dt', {}, t('col.state')), el('dd', {id: 'message-state'}, stateBadge(m.state)),
      el('dt', {}, t('col.kind')), el('dd', {}, m.kind || '—'),
      el('dt', {}, t('col.edoc')), el('dd', {class: 'mono'}, m.eDocId || '—'),
      el('dt', {}, t('col.sender')), el('dd', {}, m.sender.country + ' ' + m.sender.participant),
      el('dt', {}, t('col.direction')), el('dd', {}, t('direction.' + m.direction)),
      el('dt', {}, t('col.taken')), el('dd', {}, time(m.createdAt)),
      el('dt', {}, t('col.updated')), el('dd', {}, time(m.updatedAt)));
    const history = el('section', {id: 'history'}, el('h2', {}, t('message.history')),
      table(['col.at', 'col.state', 'col.detail'], m.history.map((h) => el('tr', {},
        el('td', {}, time(h.at)), el('td', {}, stateBadge(h.state)), el('td', {}, h.detail)))));
    const deliveries = el('section', {id: 'deliveries'}, el('h2', {}, t('message.deliveries')),
      (m.deliveries || []).length === 0 ? el('p', {class: 'none'}, t('none')) :
        m.deliveries.map((d) => el('div', {class: 'delivery'},
          el('h3', {}, d.to, ' ', stateBadge(d.state), ' ', t('col.sends') + ': ' + d.sends),
          d.error ? el('p', {class: 'error'}, d.error) : null,
          table(['col.at', 'col.state', 'col.detail'], d.history.map((h) => el('tr', {},
            el('td', {}, time(h.at)), el('td', {}, stateBadge(h.state)),
            el('td', {}, h.detail)))))));
    const diagnostics = Object.entries(m.diagnostics || {});
    const envelope = el('pre', {id: 'envelope', hidden: true});
    const envelopeSection = el('section', {}, el('h2', {}, t('message.envelope')),
      diagnostics.length ? el('dl', {class: 'summary'}, diagnostics.map(([k, v]) =>
        [el('dt', {}, k), el('dd', {class: 'mono'}, v)])) : null,
      el('button', {type: 'button', id: 'show-envelope', onclick: async () => {
        envelope.textContent = await api('/v1/messages/' + m.id + '/envelope', {text: true});
        envelope.hidden = false;
      }}, t('message.showEnvelope')), envelope);
    return [el('h1', {}, t('message.title')), actionBar(m), summary, verdictSection(m.verdict),
      signatureSection(m), history, deliveries, envelopeSection];
  }

  // Sorted as the board shows them: overdue (latest first), at risk, then by days left.
  function boardOrder(a, b) {
    const rank = (d) => (d.state === 'overdue' ? 0 : d.state === 'at-risk' ? 1 : 2);
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.state === 'overdue') return (b.daysLate || 0) - (a.daysLate || 0);
    return (a.daysLeft || 0) - (b.daysLeft || 0) || a.due.localeCompare(b.due);
  }

  // The bar of a deadline: a cell a day from the event to the due day. Of its business days,
  // as many as are used are marked used; the days off between are marked as such.
  function deadlineBar(d) {
    const days = d.days || '';
    if (!days) {
      // Too long to draw day by day (a periodic inspection's years): the share of the calendar
      // days gone.
      const from = Date.parse(d.event + 'T00:00:00Z');
      const to = Date.parse(d.due + 'T00:00:00Z');
      const share = to > from ? Math.min(1, Math.max(0, (Date.now() - from) / (to - from))) : 1;
      const fill = el('span', {class: 'fill'});
      fill.style.width = (share * 100).toFixed(1) + '%';  // the CSSOM: the policy allows no inline style
      return el('div', {class: 'bar long', role: 'img',
        'aria-label': Math.round(share * 100) + '%'}, fill);
    }
    const counted = d.daysCounted === 'calendar' ? days.length :
      [...days].filter((c) => c === 'b').length;
    const used = d.state === 'overdue' ? counted : Math.max(0, counted - (d.daysLeft || 0));
    const bar = el('div', {class: 'bar', role: 'img',
      'aria-label': t('deadlines.used') + ' ' + used + ', ' + t('deadlines.left') + ' ' +
        (counted - used)});
    let seen = 0;
    for (const c of days) {
      const business = c === 'b' || d.daysCounted === 'calendar';
      const isUsed = seen < used;
      if (business) seen += 1;
      bar.append(el('span', {class: 'cell ' + (business ? (isUsed ? 'used' : 'left') :
        (isUsed ? 'off used' : 'off')),
      title: business ? t(isUsed ? 'deadlines.used' : 'deadlines.left') : t('deadlines.off')}));
    }
    if (d.state === 'overdue') bar.append(el('span', {class: 'late-mark'}, t('deadlines.late')));
    return bar;
  }

  async function viewDeadlines(params) {
    const form = filtersForm([
      select('country', 'filter.country', COUNTRIES, params.country),
      select('kind', 'filter.rule', RULES, params.kind),
    ], params, 'deadlines');
    const page = await api('/v1/deadlines' + query({state: 'open,at-risk,overdue', days: 'true',
      limit: 1000, country: params.country, kind: params.kind}));
    const rows = page.items.sort(boardOrder).map((d) => el('tr', {class: 'deadline ' + d.state,
      'data-id': d.id},
    el('td', {class: 'mono'}, d.kind),
    el('td', {}, d.country),
    el('td', {}, d.messageId ? el('a', {href: '#/message/' + d.messageId},
      d.subject || d.messageId.slice(0, 8)) : d.subject),
    el('td', {}, d.event),
    el('td', {}, d.due),
    el('td', {class: 'left'}, stateBadge(d.state), ' ',
      d.state === 'overdue' ? t('deadlines.daysLate', {n: d.daysLate}) :
        t('deadlines.daysLeft', {n: d.daysLeft})),
    el('td', {}, deadlineBar(d))));
    const legend = el('p', {class: 'legend'},
      el('span', {class: 'cell used'}), ' ', t('deadlines.used'), ' ',
      el('span', {class: 'cell left'}), ' ', t('deadlines.left'), ' ',
      el('span', {class: 'cell off'}), ' ', t('deadlines.off'));
    return [el('h1', {}, t('deadlines.title')), el('p', {class: 'help'}, t('deadlines.help')),
      form, legend,
      table(['col.rule', 'col.country', 'col.deadline', 'col.event', 'col.due', 'col.left',
        'col.progress'], rows, {id: 'board'})];
  }

  async function viewDead(params) {
    const filter = {kind: params.kind, country: params.country, q: params.q};
    const form = filtersForm([
      el('label', {class: 'grow'}, el('span', {}, t('search')),
        el('input', {name: 'q', type: 'search', value: params.q || '',
          placeholder: t('search.placeholder')})),
      select('kind', 'filter.kind', KINDS, params.kind),
      select('country', 'filter.country', COUNTRIES, params.country),
    ], params, 'dead');
    const outcome = el('p', {id: 'bulk-outcome', role: 'status'});
    const bulk = async (dryRun) => {
      const body = {dryRun, limit: 1000};
      for (const [k, v] of Object.entries(filter)) if (v) body[k] = v;
      const r = await api('/v1/admin/requeue', {method: 'POST', body});
      outcome.textContent = dryRun ? t('dead.matched', {n: r.matched}) :
        t('dead.requeuedN', {n: r.requeued.length, f: r.failed.length});
      if (!dryRun) status(outcome.textContent);
    };
    const actions = operator() ? el('div', {class: 'actions'},
      el('button', {type: 'button', id: 'dry-run', onclick: () => bulk(true)}, t('dead.dryRun')),
      el('button', {type: 'button', id: 'requeue-all', onclick: async () => {
        await bulk(false);
        render();
      }}, t('dead.requeueAll'))) : null;
    const row = (m) => {
      const r = messageRow(m);
      if (operator()) {
        r.append(el('td', {}, el('button', {type: 'button', class: 'requeue', onclick: async () => {
          await api('/v1/messages/' + m.id + '/retry', {method: 'POST'});
          status(t('message.requeued'));
          render();
        }}, t('message.requeue'))));
      }
      return r;
    };
    const list = await pagedTable('/v1/messages' + query({...filter, state: 'dead',
      direction: 'outbound', limit: 50}), MESSAGE_HEADERS, row, {id: 'dead'});
    return [el('h1', {}, t('dead.title')), el('p', {class: 'help'}, t('dead.help')), form,
      actions, outcome, list];
  }

  async function viewRegister(params) {
    const view = params.view === 'received' ? 'received' : 'sent';
    const tabs = el('div', {class: 'tabs'},
      el('a', {href: '#/register', class: view === 'sent' ? 'active' : ''}, t('register.sent')),
      el('a', {href: '#/register?view=received', class: view === 'received' ? 'active' : ''},
        t('register.received')));
    const row = (v) => el('tr', {'data-key': v.key},
      el('td', {class: 'mono'}, v.key), el('td', {}, v.country), el('td', {}, v.name),
      el('td', {}, v.active ? '✓' : '✗'), el('td', {}, v.change + ' ' + v.changeDay),
      el('td', {}, v.messageId ? el('a', {href: '#/message/' + v.messageId}, stateBadge(v.state)) :
        stateBadge(v.state)));
    const list = await pagedTable('/v1/registry/organizations' +
      query({view: view === 'received' ? 'received' : undefined, limit: 100}),
    ['col.key', 'col.country', 'col.name', 'col.active', 'col.version', 'col.state'], row,
    {id: 'register'});
    return [el('h1', {}, t('register.title')), tabs, list];
  }

  // Messages per hour by outcome, as stacked bars drawn in SVG.
  function activityChart(activity) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = (tag, attrs, ...children) => {
      const node = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
      for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c));
      return node;
    };
    const since = Date.parse(activity.since);
    const hours = Array.from({length: 24}, () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])));
    for (const item of activity.items) {
      const h = Math.floor((Date.parse(item.hour) - since) / 3600000);
      if (h < 0 || h >= 24) continue;
      const o = ['acknowledged', 'delivered', 'rejected', 'dead'].includes(item.state) ?
        item.state : 'progress';
      hours[h][o] += item.count;
    }
    const max = Math.max(1, ...hours.map((h) => OUTCOMES.reduce((s, o) => s + h[o], 0)));
    const W = 720; const H = 220; const left = 40; const bottom = 24; const barW = (W - left) / 24;
    const chart = svg('svg', {id: 'activity', viewBox: `0 0 ${W} ${H + 30}`, role: 'img',
      'aria-label': t('health.activity')});
    chart.append(svg('line', {x1: left, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis'}));
    chart.append(svg('text', {x: left - 6, y: 12, class: 'tick', 'text-anchor': 'end'},
      String(max)));
    chart.append(svg('text', {x: left - 6, y: H - bottom, class: 'tick', 'text-anchor': 'end'},
      '0'));
    hours.forEach((h, i) => {
      let y = H - bottom;
      const x = left + i * barW + 2;
      const total = OUTCOMES.reduce((s, o) => s + h[o], 0);
      const group = svg('g', {class: 'hour', 'data-total': total},
        svg('title', {}, new Date(since + i * 3600000).toISOString().slice(11, 16) + ' UTC: ' +
          OUTCOMES.filter((o) => h[o]).map((o) => t('outcome.' + o) + ' ' + h[o]).join(', ')));
      for (const o of OUTCOMES) {
        if (!h[o]) continue;
        const height = (h[o] / max) * (H - bottom - 16);
        y -= height;
        group.append(svg('rect', {x, y, width: barW - 4, height, class: 'outcome-' + o}));
      }
      chart.append(group);
      if (i % 3 === 0) {
        chart.append(svg('text', {x: x + barW / 2 - 2, y: H - bottom + 14, class: 'tick',
          'text-anchor': 'middle'}, new Date(since + i * 3600000).toISOString().slice(11, 13)));
      }
    });
    OUTCOMES.forEach((o, i) => {
      chart.append(svg('rect', {x: left + i * 130, y: H + 8, width: 12, height: 12,
        class: 'outcome-' + o}));
      chart.append(svg('text', {x: left + i * 130 + 18, y: H + 18, class: 'legend'},
        t('outcome.' + o)));
    });
    return chart;
  }

  async function viewHealth() {
    const [routes, certificates, activity] = await Promise.all([
      api('/v1/admin/routes'), api('/v1/admin/certificates'),
      api('/v1/admin/activity?hours=24')]);
    const reload = operator() ? el('div', {class: 'actions'},
      el('button', {type: 'button', id: 'reload', onclick: async () => {
        await api('/v1/admin/reload', {method: 'POST'});
        status(t('health.reloaded'));
      }}, t('health.reload'))) : null;
    return [
      el('h1', {}, t('nav.health')), reload,
      el('h2', {}, t('health.routes')),
      table(['col.route', 'col.endpoint', 'col.lastSuccess', 'col.lastFailure', 'col.error',
        'col.sends', 'col.failures', 'col.open', 'col.inFlight', 'col.waiting'],
      routes.items.map((r) => el('tr', {class: r.lastFailure && (!r.lastSuccess ||
          r.lastFailure > r.lastSuccess) ? 'failing' : ''},
      el('td', {class: 'mono'}, r.to), el('td', {class: 'mono'}, r.endpoint),
      el('td', {}, time(r.lastSuccess)), el('td', {}, time(r.lastFailure)),
      el('td', {class: 'error'}, r.lastError || ''), el('td', {}, r.sends),
      el('td', {}, r.failures), el('td', {}, r.open), el('td', {}, r.inFlight),
      el('td', {}, r.waiting))), {id: 'routes'}),
      el('h2', {}, t('health.certificates')),
      table(['col.certificate', 'col.notAfter', 'col.daysLeft'], certificates.items.map((c) =>
        el('tr', {class: c.daysLeft < 0 ? 'expired' : c.daysLeft < 30 ? 'expiring' : ''},
          el('td', {}, c.certificate), el('td', {}, time(c.notAfter)),
          el('td', {}, c.daysLeft))), {id: 'certificates'}),
      el('h2', {}, t('health.activity')), activityChart(activity),
    ];
  }

  // --- routing -------------------------------------------------------------------------------

  const VIEWS = {messages: viewMessages, message: viewMessage, deadlines: viewDeadlines,
    dead: viewDead, register: viewRegister, health: viewHealth};

  async function render() {
    const ticket = ++rendering;
    const hash = location.hash.replace(/^#\/?/, '') || 'messages';
    const [path, search] = hash.split('?');
    const [name, ...rest] = path.split('/');
    const view = VIEWS[name] || viewMessages;
    const params = Object.fromEntries(new URLSearchParams(search || ''));
    for (const a of document.querySelectorAll('#nav a')) {
      a.classList.toggle('active', a.dataset.view === name ||
        (name === 'message' && a.dataset.view === 'messages'));
    }
    const main = document.getElementById('main');
    main.setAttribute('aria-busy', 'true');
    try {
      const content = await view(params, ...rest.map(decodeURIComponent));
      if (ticket !== rendering) return;
      main.replaceChildren(...[content].flat().filter(Boolean));
      main.dataset.view = name || 'messages';
    } catch (err) {
      if (ticket !== rendering) return;
      if (err.status === 401) {
        showSignIn(err.message);
        return;
      }
      main.replaceChildren(el('p', {class: 'error', role: 'alert'}, err.message));
    } finally {
      if (ticket === rendering) main.removeAttribute('aria-busy');
    }
  }

  function start() {
    document.getElementById('nav').hidden = false;
    document.getElementById('signout').hidden = false;
    document.getElementById('who').textContent = me.name + ' · ' + t('role.' + me.role);
    render();
  }

  // Errors of the buttons' actions show in the footer.
  window.addEventListener('unhandledrejection', (e) => {
    status(e.reason && e.reason.message ? e.reason.message : String(e.reason), true);
  });

  document.addEventListener('DOMContentLoaded', async () => {
    translateStatic();
    document.getElementById('lang').addEventListener('click', () => {
      lang = lang === 'ru' ? 'en' : 'ru';
      localStorage.setItem('eaeu.lang', lang);
      translateStatic();
      if (me) start();
      else showSignIn();
    });
    document.getElementById('signout').addEventListener('click', signOut);
    window.addEventListener('hashchange', () => {
      status('');
      if (me) render();
    });
    if (token) {
      try {
        await signIn(token);
        start();
        return;
      } catch (err) {
        sessionStorage.removeItem('eaeu.token');
        showSignIn(err.message);
        return;
      }
    }
    showSignIn();
  });
})();
