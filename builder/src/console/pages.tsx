import type { ComponentType } from 'react';
import type { Route } from './route.js';
import { FlowsList } from '../FlowsList.js';
import { NumbersPage } from './NumbersPage.js';
import { TeamPage } from './TeamPage.js';
import { SchedulesPage } from './SchedulesPage.js';
import { UsagePage } from './UsagePage.js';
import { VoicemailPage } from './VoicemailPage.js';
import { MessagesPage } from './MessagesPage.js';
import { NotificationsPage } from './NotificationsPage.js';
import { CallsPage } from './CallsPage.js';
import { SettingsPage } from './Settings.js';
import { AuditPage } from './Audit.js';

/** A console page: its hash (`#/<path>`), its name in the navigation, and the component drawn for it. */
export interface ConsolePage {
  path: string;
  title: string;
  Page: ComponentType<{ route: Route }>;
}

/**
 * Every console page, in navigation order. A page is one file under `console/` plus one line here.
 * `#/flows/<id>` (the editor) is not a page: it takes the whole window (see App.tsx).
 */
export const PAGES: ConsolePage[] = [
  { path: 'flows', title: 'Flows', Page: FlowsList },
  { path: 'numbers', title: 'Numbers', Page: NumbersPage },
  { path: 'voicemail', title: 'Voicemail', Page: VoicemailPage },
  { path: 'calls', title: 'Calls', Page: CallsPage },
  { path: 'messages', title: 'Messages', Page: MessagesPage },
  { path: 'team', title: 'Team', Page: TeamPage },
  { path: 'schedules', title: 'Schedules', Page: SchedulesPage },
  { path: 'usage', title: 'Usage', Page: UsagePage },
  { path: 'notifications', title: 'Notifications', Page: NotificationsPage },
  { path: 'audit', title: 'Audit log', Page: AuditPage },
  { path: 'settings', title: 'Settings', Page: SettingsPage },
];
