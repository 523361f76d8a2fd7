// The workspace page: draws the snapshot the server streams for the person chosen in the switcher, and
// sends what they do (a command, a click, a reaction, a form) to the server, which delivers it to the app.
import { emojiOf, readInputs, renderBlock, renderContent } from './blocks.js';

const $ = (id) => document.getElementById(id);
const view = {
  user: new URLSearchParams(location.search).get('user') ?? 'UALICE',
  channel: new URLSearchParams(location.search).get('channel') ?? 'C0TEAMA',
  tab: 'messages',
  thread: null,
  snapshot: null,
  modalKey: null,
  modalErrors: {},
};
let events = null;

async function act(action, body) {
  const answer = await fetch(`/act/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: view.user, ...body }),
  });
  const result = await answer.json();
  // A form shows its own problems; everything else is told in the sidebar.
  if (action === 'submit') return result;
  if (!result.ok) notice(result.error ?? 'something went wrong', true);
  else if ($('notice').className === 'error') notice('');
  return result;
}

function notice(text, isError = false) {
  $('notice').textContent = text;
  $('notice').className = isError ? 'error' : '';
}

function connect() {
  events?.close();
  events = new EventSource(`/events?user=${encodeURIComponent(view.user)}`);
  events.onmessage = (event) => {
    view.snapshot = JSON.parse(event.data);
    render();
  };
}

const nameOf = (id) => {
  if (id === view.snapshot?.botUserId) return 'n3r';
  return view.snapshot?.users.find((u) => u.id === id)?.name ?? id;
};

function render() {
  const s = view.snapshot;
  if (!s) return;
  // Says whose snapshot is on screen: after a switch, the page shows nobody's until the new one arrives.
  document.body.dataset.me = s.me;
  const users = $('user');
  if (users.options.length === 0) {
    for (const u of s.users) users.append(new Option(`${u.name} (${u.role})`, u.id));
  }
  users.value = view.user;
  renderNav(
    $('channels'),
    s.channels.filter((c) => c.kind === 'channel'),
    '#',
  );
  renderNav(
    $('apps'),
    s.channels.filter((c) => c.kind === 'app'),
    '',
  );
  const channel = s.channels.find((c) => c.id === view.channel) ?? s.channels[0];
  const isApp = channel.kind === 'app';
  $('title').textContent = isApp ? 'n3r (app)' : `#${channel.name}`;
  $('tabs').hidden = !isApp;
  for (const tab of $('tabs').querySelectorAll('button'))
    tab.classList.toggle('active', tab.dataset.tab === view.tab);
  const showHome = isApp && view.tab === 'home';
  $('home').hidden = !showHome;
  $('messages').hidden = showHome;
  $('composer').hidden = showHome;
  if (showHome) renderHome(s.home);
  else renderMessages(channel.id);
  renderThread();
  renderModal(s.modal);
}

function renderNav(nav, channels, prefix) {
  nav.replaceChildren(
    ...channels.map((c) => {
      const link = document.createElement('a');
      link.href = '#';
      link.textContent = `${prefix}${c.name}`;
      link.dataset.channel = c.id;
      link.classList.toggle('active', c.id === view.channel);
      link.onclick = (event) => {
        event.preventDefault();
        view.channel = c.id;
        view.thread = null;
        view.tab = 'messages';
        render();
      };
      return link;
    }),
  );
}

function messageNode(m, { inThread }) {
  const node = document.createElement('article');
  node.className = 'message';
  node.dataset.ts = m.ts;
  node.dataset.channel = m.channel;
  const author = document.createElement('div');
  author.className = 'author';
  author.textContent = nameOf(m.user);
  const when = document.createElement('small');
  when.textContent =
    new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString() + (m.edited ? ' (edited)' : '');
  author.append(when);
  const on = {
    names: nameOf,
    click: (actionId) => act('click', { channel: m.channel, ts: m.ts, actionId }),
  };
  node.append(author, renderContent(m.text, m.blocks, on), reactionsNode(m));
  if (!inThread) {
    const replies = view.snapshot.messages.filter((r) => r.channel === m.channel && r.threadTs === m.ts);
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'replies';
    open.textContent =
      replies.length === 0
        ? 'Reply in thread'
        : `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
    open.onclick = () => {
      view.thread = { channel: m.channel, ts: m.ts };
      render();
    };
    node.append(open);
  }
  return node;
}

const quickReactions = ['white_check_mark', 'x', '+1', 'eyes'];

function reactionsNode(m) {
  const node = document.createElement('div');
  node.className = 'reactions';
  const shown = new Map(m.reactions.map((r) => [r.name, r]));
  for (const name of new Set([...shown.keys(), ...quickReactions])) {
    const reaction = shown.get(name);
    const add = document.createElement('button');
    add.type = 'button';
    add.className = reaction ? 'reaction' : 'reaction add';
    add.dataset.reaction = name;
    add.title = reaction ? reaction.users.map(nameOf).join(', ') : `React with :${name}:`;
    add.textContent = reaction ? `${emojiOf(name)} ${reaction.count}` : `+${emojiOf(name)}`;
    const mine = reaction?.users.includes(view.user);
    add.classList.toggle('mine', Boolean(mine));
    // Only reaction_added is emulated; removing one would need reaction_removed.
    add.disabled = Boolean(mine);
    add.onclick = () => act('react', { channel: m.channel, ts: m.ts, reaction: name });
    node.append(add);
  }
  return node;
}

function ephemeralNode(e) {
  const node = document.createElement('article');
  node.className = 'message ephemeral';
  const only = document.createElement('div');
  only.className = 'only-you';
  only.textContent = 'Only visible to you';
  const author = document.createElement('div');
  author.className = 'author';
  author.textContent = 'n3r';
  // Buttons in an ephemeral message would need its response_url; the app puts none there.
  const on = { names: nameOf, click: () => notice('buttons in ephemeral messages are not emulated', true) };
  node.append(only, author, renderContent(e.text, e.blocks, on));
  return node;
}

function keepScroll(section, fill) {
  const atBottom = section.scrollHeight - section.scrollTop - section.clientHeight < 40;
  fill();
  if (atBottom) section.scrollTop = section.scrollHeight;
}

function renderMessages(channel) {
  const s = view.snapshot;
  keepScroll($('messages'), () => {
    const nodes = s.messages
      .filter((m) => m.channel === channel && m.threadTs === null)
      .map((m) => messageNode(m, { inThread: false }));
    const ephemerals = s.ephemerals.filter((e) => e.channel === channel).map(ephemeralNode);
    const rejected = s.rejected.map((r) => {
      const node = document.createElement('div');
      node.className = 'rejected';
      node.textContent = `Slack would have refused an answer of the app (${r.via}, ${r.error}): ${r.message}`;
      return node;
    });
    $('messages').replaceChildren(...nodes, ...ephemerals, ...rejected);
  });
}

function renderThread() {
  const pane = $('thread');
  const t = view.thread;
  const parent = t && view.snapshot.messages.find((m) => m.channel === t.channel && m.ts === t.ts);
  pane.hidden = !parent;
  if (!parent) return;
  keepScroll($('thread-messages'), () => {
    const replies = view.snapshot.messages.filter((m) => m.channel === t.channel && m.threadTs === t.ts);
    $('thread-messages').replaceChildren(
      ...[parent, ...replies].map((m) => messageNode(m, { inThread: true })),
    );
  });
}

function renderHome(home) {
  const pane = $('home');
  if (!home) {
    pane.textContent = 'Opening the Home tab…';
    return;
  }
  const on = { names: nameOf, click: (actionId) => act('click', { viewId: home.id, actionId }) };
  pane.replaceChildren(...home.view.blocks.map((b) => renderBlock(b, on)));
}

/** The modal is redrawn only when the app changes it, so what the person typed stays. */
function renderModal(modal) {
  const layer = $('modal-layer');
  const key = modal ? `${modal.id}:${modal.hash}` : null;
  if (key === view.modalKey) return;
  view.modalKey = key;
  view.modalErrors = {};
  layer.hidden = !modal;
  if (!modal) {
    layer.replaceChildren();
    return;
  }
  drawModal(modal);
}

function drawModal(modal) {
  const spec = modal.view;
  const box = document.createElement('form');
  box.className = 'modal';
  box.dataset.viewId = modal.id;
  const title = document.createElement('header');
  title.className = 'modal-title';
  title.textContent = spec.title.text;
  const body = document.createElement('div');
  body.className = 'body';
  const on = {
    names: nameOf,
    click: (actionId) => act('click', { viewId: modal.id, actionId }),
    errors: view.modalErrors,
  };
  body.append(...spec.blocks.map((b) => renderBlock(b, on)));
  const problem = document.createElement('div');
  problem.className = 'problem';
  const footer = document.createElement('footer');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'bk-button';
  close.textContent = spec.close?.text ?? 'Cancel';
  close.onclick = () => act('close', { viewId: modal.id });
  footer.append(close);
  if (spec.submit) {
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className = 'bk-button primary';
    submit.textContent = spec.submit.text;
    footer.append(submit);
  }
  box.onsubmit = async (event) => {
    event.preventDefault();
    const typed = readInputs(body);
    const result = await act('submit', { viewId: modal.id, values: typed });
    // Slack's client keeps a form with an empty required input or text of the wrong length from being sent.
    const unfit = /^([^.\s]+)\.\S+ (is required|must be .*)$/.exec(result.error ?? '');
    const errors = unfit
      ? { [unfit[1]]: unfit[2] === 'is required' ? 'Please fill out this field.' : unfit[2] }
      : result.response?.response_action === 'errors'
        ? result.response.errors
        : null;
    if (errors) {
      // The modal stays open with a message under each input, and what the person typed.
      view.modalErrors = errors;
      drawModal(modal);
      refill($('modal-layer'), typed);
    } else {
      problem.textContent = result.ok ? '' : (result.error ?? '');
    }
  };
  box.append(title, body, problem, footer);
  $('modal-layer').replaceChildren(box);
}

function refill(container, values) {
  for (const field of container.querySelectorAll('[name]')) {
    const [blockId, actionId] = field.name.split('/');
    const value = values[blockId]?.[actionId];
    if (value !== undefined) field.value = typeof value === 'string' ? value : value.selected;
  }
}

async function sendFrom(box, threadTs) {
  const text = box.value.trim();
  if (!text) return;
  const result = await act('send', { channel: view.channel, text, ...(threadTs ? { threadTs } : {}) });
  if (result.ok) {
    box.value = '';
    notice('');
  }
}

function submitOnEnter(box, send) {
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  });
}

window.addEventListener('DOMContentLoaded', () => {
  $('user').onchange = () => {
    view.user = $('user').value;
    view.modalKey = null;
    const previous = view.snapshot;
    view.snapshot = null;
    delete document.body.dataset.me;
    // Each person has their own direct messages with the app.
    if (!previous?.channels.find((c) => c.id === view.channel && c.kind === 'channel'))
      view.channel = 'C0TEAMA';
    view.thread = null;
    notice('');
    connect();
  };
  $('composer').onsubmit = (event) => {
    event.preventDefault();
    sendFrom($('message-box'));
  };
  $('thread-composer').onsubmit = (event) => {
    event.preventDefault();
    sendFrom($('thread-box'), view.thread?.ts);
  };
  submitOnEnter($('message-box'), () => sendFrom($('message-box')));
  submitOnEnter($('thread-box'), () => sendFrom($('thread-box'), view.thread?.ts));
  $('close-thread').onclick = () => {
    view.thread = null;
    render();
  };
  for (const tab of $('tabs').querySelectorAll('button')) {
    tab.onclick = () => {
      view.tab = tab.dataset.tab;
      // Opening the Home tab is what makes Slack send app_home_opened.
      if (view.tab === 'home') act('home', {});
      render();
    };
  }
  $('new-request').onclick = () => act('shortcut', {});
  $('fire-alert').onclick = async () => {
    notice('Sending a sample alert to the bot…');
    const result = await act('alert', {});
    if (result.ok) notice(`The bot took the alert (HTTP ${result.webhookStatus}): see #oncall or #team-a.`);
  };
  connect();
});
