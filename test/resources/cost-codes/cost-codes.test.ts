import { DIALECTS } from '../../helpers/dialects.js';
import { describeCodeCatalogue } from '../code-catalogues/catalogue-suite.js';
import { insertPunch, insertTimeEntry } from '../code-catalogues/referencing-rows.js';

for (const dialect of DIALECTS) {
  describeCodeCatalogue(dialect, {
    path: '/v1/cost-codes',
    object: 'cost_code',
    idPrefix: 'cst',
    noun: 'Cost code',
    hasMembers: false,
    references: [
      {
        label: 'a punch',
        refer: (t, account, id) => insertPunch(t, account.account.id, { cost_code_id: id }),
      },
      {
        label: 'a time entry',
        refer: (t, account, id) => insertTimeEntry(t, account.account.id, { cost_code_id: id }),
      },
    ],
  });
}
