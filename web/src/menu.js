// The side menu, in the order of shared/UI.md's menu table. Every section is
// declared here so a feature adds its page in the right place:
//
//   { name: 'requestQueue', titleKey: 'menu.requestQueue', caps: ['request.handle'] }
//
// where name is the vue-router route name (see router.js) and titleKey an i18n
// key in i18n/zh-CN.js and en.js. An entry is shown when the user holds any
// of its `caps` (none listed: everyone logged in); a section is shown when it
// has a visible entry.
import {
  House, Phone, Present, Flag, ChatLineRound, Warning, Finished,
  OfficeBuilding, DataAnalysis, Setting,
} from '@element-plus/icons-vue';

export const menu = [
  // A section with a route of its own and no items is a single entry.
  { key: 'workbench', titleKey: 'menu.workbench', icon: House, route: 'workbench' },
  {
    key: 'requests', titleKey: 'menu.requests', icon: Phone,
    items: [
      { name: 'requestIntake', titleKey: 'menu.requestIntake', caps: ['request.intake'] },
      { name: 'requestsToDispatch', titleKey: 'menu.requestsToDispatch', caps: ['request.dispatch'] },
      { name: 'requestsMine', titleKey: 'menu.requestsMine', caps: ['request.handle'] },
      { name: 'requestList', titleKey: 'menu.requestList', caps: ['request.read'] },
      { name: 'requestsSupervised', titleKey: 'menu.requestsSupervised', caps: ['request.supervise'] },
      { name: 'requestDispatchRules', titleKey: 'menu.requestDispatchRules', caps: ['request.dispatch', 'category.manage'] },
      { name: 'requestCategories', titleKey: 'menu.requestCategories', caps: ['category.manage'] },
    ],
  },
  { key: 'wishes', titleKey: 'menu.wishes', icon: Present, items: [] },
  {
    key: 'party', titleKey: 'menu.party', icon: Flag,
    items: [
      { name: 'partyOrgs', titleKey: 'menu.partyOrgs', caps: ['party.read'] },
      { name: 'partyMembers', titleKey: 'menu.partyMembers', caps: ['party.read'] },
      { name: 'partyReportIns', titleKey: 'menu.partyReportIns', caps: ['party.read'] },
      { name: 'partyCenterHouseholds', titleKey: 'menu.partyCenterHouseholds', caps: ['party.read'] },
    ],
  },
  { key: 'deliberation', titleKey: 'menu.deliberation', icon: ChatLineRound, items: [] },
  { key: 'safety', titleKey: 'menu.safety', icon: Warning, items: [] },
  { key: 'tasks', titleKey: 'menu.tasks', icon: Finished, items: [] },
  {
    key: 'registers', titleKey: 'menu.registers', icon: OfficeBuilding,
    items: [
      { name: 'registersAreas', titleKey: 'menu.registersAreas', caps: ['area.read'] },
      { name: 'registersPeople', titleKey: 'menu.registersPeople', caps: ['person.read'] },
      { name: 'registersUnits', titleKey: 'menu.registersUnits', caps: ['unit.read'] },
      { name: 'registersImport', titleKey: 'menu.registersImport', caps: ['register.import'] },
    ],
  },
  { key: 'dashboard', titleKey: 'menu.dashboard', icon: DataAnalysis, route: 'dashboard', caps: ['figure.read'] },
  {
    key: 'admin', titleKey: 'menu.admin', icon: Setting,
    items: [
      { name: 'adminUsers', titleKey: 'menu.adminUsers', caps: ['user.read'] },
      { name: 'adminRoles', titleKey: 'menu.adminRoles', caps: ['role.read'] },
      { name: 'adminApiKeys', titleKey: 'menu.adminApiKeys', caps: ['apikey.manage'] },
      { name: 'adminWebhooks', titleKey: 'menu.adminWebhooks', caps: ['webhook.manage'] },
      { name: 'adminAudit', titleKey: 'menu.adminAudit', caps: ['audit.read'] },
      { name: 'systemHealth', titleKey: 'menu.systemHealth', caps: ['system.read'] },
      { name: 'adminApiDocs', titleKey: 'menu.adminApiDocs', caps: ['apikey.manage', 'system.read'] },
    ],
  },
];

// The menu as the current user sees it: `can(caps)` (session.js) decides per
// entry whether the user holds any of its capabilities (a single-entry
// section by its own `caps`).
export function visibleMenu(can = () => true) {
  return menu
    .map((s) => (s.items ? { ...s, items: s.items.filter((i) => can(i.caps || [])) } : s))
    .filter((s) => (s.route ? can(s.caps || []) : s.items.length > 0));
}

// The menu trail to a route name: [section, item] or [section], or [] when the
// route is not in the menu.
export function menuTrail(routeName) {
  for (const s of menu) {
    if (s.route === routeName) return [s];
    const item = s.items?.find((i) => i.name === routeName);
    if (item) return [s, item];
  }
  return [];
}
