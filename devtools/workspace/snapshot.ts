import type { SlackEmulator } from '../slack-emulator/slack-emulator.js';

/** What one person sees of the workspace at a moment: what the browser client draws. */
export interface WorkspaceSnapshot {
  me: string;
  botUserId: string;
  users: { id: string; name: string; role: string }[];
  channels: { id: string; name: string; kind: 'channel' | 'app' }[];
  messages: {
    channel: string;
    ts: string;
    threadTs: string | null;
    user: string;
    text: string;
    blocks: unknown[];
    edited: boolean;
    reactions: { name: string; users: string[]; count: number }[];
  }[];
  /** Answers only this person sees, oldest first (Slack gives them no ts). */
  ephemerals: { channel: string; text: string; blocks: unknown[] }[];
  /** The person's App Home as the app last published it, with its id for clicks. */
  home: { id: string; view: unknown } | null;
  /** The modal on screen (the last one of the stack), with its id for clicks and submissions. */
  modal: { id: string; hash: string; view: unknown } | null;
  /** Answers of the app Slack would have refused: shown so a developer sees them. */
  rejected: { via: string; error: string; message: string }[];
  alerts: boolean;
}

/** What each local person is for, shown in the user switcher. */
const roles: Record<string, string> = {
  alice: 'requester, team-a',
  bob: 'approver',
  carol: 'on-call, team-a',
  dave: 'approver',
  mallory: 'in no group',
};

/** The workspace as `user` sees it: every channel, their own direct messages with the app, their ephemerals. */
export function snapshotFor(emulator: SlackEmulator, user: string, alerts: boolean): WorkspaceSnapshot {
  const dm = emulator.dmChannel(user);
  const channels = [
    ...emulator.workspace.channels.map((c) => ({ ...c, kind: 'channel' as const })),
    { id: dm, name: 'n3r', kind: 'app' as const },
  ];
  const visible = new Set(channels.map((c) => c.id));
  return {
    me: user,
    botUserId: emulator.botUserId,
    users: emulator.workspace.users.map((u) => ({ id: u.id, name: u.name, role: roles[u.name] ?? '' })),
    channels,
    messages: emulator.messages
      .filter((m) => visible.has(m.channel))
      .map((m) => ({
        channel: m.channel,
        ts: m.ts,
        threadTs: m.threadTs,
        user: m.user,
        text: m.text,
        blocks: m.blocks,
        edited: m.history.length > 1,
        reactions: m.reactions,
      })),
    ephemerals: emulator
      .ephemeralsFor(user)
      .map((e) => ({ channel: e.channel, text: e.text, blocks: e.blocks })),
    home: ((home) => (home ? { id: home.id, view: home.view } : null))(emulator.homeOf(user)),
    modal: ((top) => (top ? { id: top.id, hash: top.hash, view: top.view } : null))(
      emulator.openModals(user).at(-1),
    ),
    rejected: emulator.rejected.slice(-5),
    alerts,
  };
}
