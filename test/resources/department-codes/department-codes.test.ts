import { DIALECTS } from '../../helpers/dialects.js';
import { createEmployee, describeCodeCatalogue } from '../code-catalogues/catalogue-suite.js';
import { insertPunch, insertTimeEntry } from '../code-catalogues/referencing-rows.js';

for (const dialect of DIALECTS) {
  describeCodeCatalogue(dialect, {
    path: '/v1/department-codes',
    object: 'department_code',
    idPrefix: 'dep',
    noun: 'Department code',
    hasMembers: false,
    references: [
      {
        label: 'an employee',
        refer: async (t, account, id) => {
          await createEmployee(t, account, { departmentCodeId: id });
        },
      },
      {
        label: 'a punch',
        refer: (t, account, id) => insertPunch(t, account.account.id, { department_code_id: id }),
      },
      {
        label: 'a time entry',
        refer: (t, account, id) => insertTimeEntry(t, account.account.id, { department_code_id: id }),
      },
    ],
  });
}
