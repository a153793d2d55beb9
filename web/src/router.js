// Console routes, HTML5 history mode (the linli server answers every console
// path with index.html). Pages are loaded on demand, one chunk each.
//
// meta.titleKey: the page title (i18n key), shown in the tab title and the
//   breadcrumb. meta.menu: the menu entry to highlight when the route is not in
//   the menu itself (e.g. an object page under a list); defaults to the name.
import { createRouter, createWebHistory } from 'vue-router';
import ConsoleLayout from './layout/ConsoleLayout.vue';

export const routes = [
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
