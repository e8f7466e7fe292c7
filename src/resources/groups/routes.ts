import { catalogueRoutes } from '../code-catalogues/routes.js';
import { GROUPS } from './resource.js';

export const groupRoutes = catalogueRoutes(GROUPS);
