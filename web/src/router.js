// Console routes, HTML5 history mode (the linli server answers every console
// path with index.html). Pages are loaded on demand, one chunk each.
//
// meta.titleKey: the page title (i18n key), shown in the tab title and the
//   breadcrumb. meta.menu: the menu entry to highlight when the route is not in
//   the menu itself (e.g. an object page under a list); defaults to the name.
// meta.caps: capabilities of which the user needs one to see the page (the
//   layout shows a "no permission" page otherwise; the server refuses anyway).
// meta.public: reachable without a session (the login page). Every other route
//   needs one: the guard in session.js sends the user to /login?redirect=….
import { createRouter, createWebHistory } from 'vue-router';
import ConsoleLayout from './layout/ConsoleLayout.vue';
import { installSession } from './session.js';

// The request queues (GET /requests?queue=…), each a list page of its own.
export const QUEUE_PAGES = [
  { queue: 'mine', name: 'requestsMine', path: 'mine', caps: ['request.handle'] },
  { queue: 'to_dispatch', name: 'requestsToDispatch', path: 'to-dispatch', caps: ['request.dispatch'] },
  { queue: 'overdue', name: 'requestsOverdue', path: 'overdue', caps: ['request.dispatch', 'request.supervise'] },
  { queue: 'supervised', name: 'requestsSupervised', path: 'supervised', caps: ['request.supervise', 'request.handle'] },
  { queue: 'to_verify', name: 'requestsToVerify', path: 'to-verify', caps: ['request.verify'] },
  { queue: 'to_approve', name: 'requestsToApprove', path: 'to-approve', caps: ['request.approve', 'request.dispatch'] },
];
const RequestListPage = () => import('./pages/requests/RequestListPage.vue');

export const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/LoginPage.vue'),
    meta: { titleKey: 'login.title', public: true },
  },
  {
    // The residents' pages: no side bar, no session (meta.h5: the guard does
    // not even ask GET /session).
    path: '/h5',
    component: () => import('./pages/h5/H5Layout.vue'),
    meta: { public: true, h5: true },
    children: [
      { path: '', name: 'h5Home', component: () => import('./pages/h5/H5HomePage.vue'), meta: { titleKey: 'h5.title', public: true, h5: true } },
      { path: 'report', name: 'h5Report', component: () => import('./pages/h5/H5ReportPage.vue'), meta: { titleKey: 'h5.report.title', public: true, h5: true } },
      { path: 'track/:code?', name: 'h5Track', component: () => import('./pages/h5/H5TrackPage.vue'), meta: { titleKey: 'h5.track.title', public: true, h5: true } },
    ],
  },
  {
    path: '/',
    component: ConsoleLayout,
    children: [
      {
        path: '',
        name: 'workbench',
        component: () => import('./pages/WorkbenchPage.vue'),
        meta: { titleKey: 'menu.workbench' },
      },
      {
        path: 'admin/users',
        name: 'adminUsers',
        component: () => import('./pages/admin/UsersPage.vue'),
        meta: { titleKey: 'menu.adminUsers', caps: ['user.read'] },
      },
      {
        path: 'admin/roles',
        name: 'adminRoles',
        component: () => import('./pages/admin/RolesPage.vue'),
        meta: { titleKey: 'menu.adminRoles', caps: ['role.read'] },
      },
      {
        path: 'admin/api-keys',
        name: 'adminApiKeys',
        component: () => import('./pages/admin/ApiKeysPage.vue'),
        meta: { titleKey: 'menu.adminApiKeys', caps: ['apikey.manage'] },
      },
      {
        // The API's own description; any logged-in caller may read the JSON,
        // the page is for those who connect systems (API keys) or run it.
        path: 'admin/api',
        name: 'adminApiDocs',
        component: () => import('./pages/admin/ApiDocsPage.vue'),
        meta: { titleKey: 'menu.adminApiDocs', caps: ['apikey.manage', 'system.read'] },
      },
      {
        path: 'admin/webhooks',
        name: 'adminWebhooks',
        component: () => import('./pages/admin/WebhooksPage.vue'),
        meta: { titleKey: 'menu.adminWebhooks', caps: ['webhook.manage'] },
      },
      {
        path: 'admin/audit',
        name: 'adminAudit',
        component: () => import('./pages/admin/AuditPage.vue'),
        meta: { titleKey: 'menu.adminAudit', caps: ['audit.read'] },
      },
      {
        path: 'requests/intake',
        name: 'requestIntake',
        component: () => import('./pages/requests/IntakePage.vue'),
        meta: { titleKey: 'menu.requestIntake', caps: ['request.intake'] },
      },
      {
        path: 'requests',
        name: 'requestList',
        component: RequestListPage,
        meta: { titleKey: 'menu.requestList', caps: ['request.read'] },
      },
      ...QUEUE_PAGES.map((q) => ({
        path: `requests/queue/${q.path}`,
        name: q.name,
        component: RequestListPage,
        props: { queue: q.queue, titleKey: `menu.${q.name}` },
        meta: { titleKey: `menu.${q.name}`, caps: q.caps },
      })),
      {
        path: 'requests/:id(\\d+)',
        name: 'requestDetail',
        component: () => import('./pages/requests/RequestPage.vue'),
        props: true,
        meta: { titleKey: 'requests.detail.title', caps: ['request.read', 'request.handle'], menu: 'requestList' },
      },
      {
        path: 'requests/categories',
        name: 'requestCategories',
        component: () => import('./pages/requests/CategoriesPage.vue'),
        meta: { titleKey: 'menu.requestCategories', caps: ['category.manage'] },
      },
      {
        path: 'requests/dispatch-rules',
        name: 'requestDispatchRules',
        component: () => import('./pages/requests/DispatchRulesPage.vue'),
        meta: { titleKey: 'menu.requestDispatchRules', caps: ['request.read'] },
      },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('./pages/dashboard/DashboardPage.vue'),
        meta: { titleKey: 'menu.dashboard', caps: ['figure.read'] },
      },
      {
        path: 'registers/areas',
        name: 'registersAreas',
        component: () => import('./pages/registers/AreasPage.vue'),
        meta: { titleKey: 'menu.registersAreas', caps: ['area.read'] },
      },
      {
        path: 'registers/people',
        name: 'registersPeople',
        component: () => import('./pages/registers/PeoplePage.vue'),
        meta: { titleKey: 'menu.registersPeople', caps: ['person.read'] },
      },
      {
        path: 'registers/units',
        name: 'registersUnits',
        component: () => import('./pages/registers/UnitsPage.vue'),
        meta: { titleKey: 'menu.registersUnits', caps: ['unit.read'] },
      },
      {
        path: 'registers/import',
        name: 'registersImport',
        component: () => import('./pages/registers/ImportPage.vue'),
        meta: { titleKey: 'menu.registersImport', caps: ['register.import', 'category.manage'] },
      },
      {
        path: 'party/orgs',
        name: 'partyOrgs',
        component: () => import('./pages/party/PartyOrgsPage.vue'),
        meta: { titleKey: 'menu.partyOrgs', caps: ['party.read'] },
      },
      {
        path: 'party/members',
        name: 'partyMembers',
        component: () => import('./pages/party/PartyMembersPage.vue'),
        meta: { titleKey: 'menu.partyMembers', caps: ['party.read'] },
      },
      {
        path: 'party/report-ins',
        name: 'partyReportIns',
        component: () => import('./pages/party/ReportInsPage.vue'),
        meta: { titleKey: 'menu.partyReportIns', caps: ['party.read'] },
      },
      {
        path: 'party/center-households',
        name: 'partyCenterHouseholds',
        component: () => import('./pages/party/CenterHouseholdsPage.vue'),
        meta: { titleKey: 'menu.partyCenterHouseholds', caps: ['party.read'] },
      },
      {
        // In the menu for system.read; reachable by anyone logged in through
        // the workbench card (GET /api/v1/health is public).
        path: 'system/health',
        name: 'systemHealth',
        component: () => import('./pages/SystemHealthPage.vue'),
        meta: { titleKey: 'health.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'notFound',
        component: () => import('./pages/NotFoundPage.vue'),
        meta: { titleKey: 'notFound.title' },
      },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

installSession(router);
