import { DIALECTS } from '../../helpers/dialects.js';
import { createEmployee, describeCodeCatalogue } from '../code-catalogues/catalogue-suite.js';
import { insertShift, insertTimeEntry } from '../code-catalogues/referencing-rows.js';

for (const dialect of DIALECTS) {
  describeCodeCatalogue(dialect, {
    path: '/v1/positions',
    object: 'position',
    idPrefix: 'pos',
    noun: 'Position',
    hasMembers: false,
    references: [
      {
        label: 'an employee',
        refer: async (t, account, id) => {
          await createEmployee(t, account, { positionId: id });
        },
      },
      {
        label: 'a shift',
        refer: (t, account, id) => insertShift(t, account.account.id, { position_id: id }),
      },
      {
        label: 'a time entry',
        refer: (t, account, id) => insertTimeEntry(t, account.account.id, { position_id: id }),
      },
    ],
  });
}
