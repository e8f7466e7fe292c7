import { catalogueRoutes } from '../code-catalogues/routes.js';
import { COST_CODES } from './resource.js';

export const costCodeRoutes = catalogueRoutes(COST_CODES);
