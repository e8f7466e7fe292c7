import { catalogueRoutes } from '../code-catalogues/routes.js';
import { POSITIONS } from './resource.js';

export const positionRoutes = catalogueRoutes(POSITIONS);
