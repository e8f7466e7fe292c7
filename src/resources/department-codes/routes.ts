import { catalogueRoutes } from '../code-catalogues/routes.js';
import { DEPARTMENT_CODES } from './resource.js';

export const departmentCodeRoutes = catalogueRoutes(DEPARTMENT_CODES);
