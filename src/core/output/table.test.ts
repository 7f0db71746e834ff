import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable, type Column } from './table.js';

interface Row {
  name: string;
  count: number;
  note?: string;
}
const columns: Column<Row>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'count', value: (r) => r.count, align: 'right' },
  { header: 'note', value: (r) => r.note, wide: true },
];

describe('renderTable', () => {
  it('pads columns to the widest cell with three spaces between, kubectl-style', () => {
    const text = renderTable<Row>(
      [
        { name: 'alpha', count: 5 },
        { name: 'b', count: 120 },
      ],
      columns,
    );
    assert.equal(text, 'NAME    COUNT\nalpha       5\nb         120\n');
  });

  it('shows wide-only columns with -o wide', () => {
    const text = renderTable<Row>([{ name: 'a', count: 1, note: 'hi' }], columns, true);
    assert.equal(text, 'NAME   COUNT   NOTE\na          1   hi\n');
  });

  it('ignores colour codes when measuring width', () => {
    const coloured: Column<Row>[] = [
      { header: 'name', value: (r) => `\u001b[31m${r.name}\u001b[39m` },
      columns[1],
    ];
    const text = renderTable<Row>([{ name: 'ab', count: 1 }], coloured);
    assert.equal(text.split('\n')[1], '\u001b[31mab\u001b[39m         1');
  });
});
