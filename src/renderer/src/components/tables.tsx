/**
 * Table helpers shared by the staff pages: every column sortable and with a filter field
 * (like the portals' grids), paging for thousands of rows, keyboard operable.
 */
import { createContext, useContext, useMemo, useState } from 'react'
import { Input, Table, Tag, Tooltip } from 'antd'
import type { ColumnType, TablePaginationConfig, TableProps } from 'antd/es/table'
import { useTranslation } from 'react-i18next'

type Getter<T> = (row: T) => string | number | null | undefined

/** A sortable column with a text filter over what `get` returns. */
export function textColumn<T>(key: string, title: string, get: Getter<T>, filterLabel: string, o: Partial<ColumnType<T>> = {}): ColumnType<T> {
  return {
    key,
    title,
    sorter: (a, b) => {
      const x = get(a)
      const y = get(b)
      if (typeof x === 'number' && typeof y === 'number') return x - y
      return String(x ?? '').localeCompare(String(y ?? ''))
    },
    render: (_v, row) => {
      const v = get(row)
      return v === null || v === undefined || v === '' ? '—' : String(v)
    },
    filterDropdown: ({ selectedKeys, setSelectedKeys, confirm }) => (
      <div style={{ padding: 8 }}>
        <Input
          autoFocus
          allowClear
          aria-label={`${filterLabel}: ${title}`}
          placeholder={filterLabel}
          value={String(selectedKeys[0] ?? '')}
          onChange={(e) => {
            setSelectedKeys(e.target.value ? [e.target.value] : [])
            confirm({ closeDropdown: false })
          }}
          onPressEnter={() => confirm()}
        />
      </div>
    ),
    onFilter: (value, row) =>
      String(get(row) ?? '')
        .toLowerCase()
        .includes(String(value).toLowerCase()),
    ...o,
  }
}

export function usePaging(): TablePaginationConfig {
  const { t } = useTranslation()
  return { defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100, 500], showTotal: (n) => t('common.total', { count: n }) }
}

export function PendingMark({ pending }: { pending: boolean }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (!pending) return null
  return (
    <Tooltip title={t('common.pendingHelp')}>
      <Tag color="gold" data-testid="pending-mark">
        {t('common.pending')}
      </Tag>
    </Tooltip>
  )
}

interface FilterRow {
  /** one cell per rendered column, in order (the expand-icon column first when rows expand) */
  cells: Array<{ key: string; label: string | null }>
  values: Record<string, string>
  set(key: string, value: string): void
}
const FilterContext = createContext<FilterRow | null>(null)

/**
 * The table header with a filter row under the column titles, like the portals' grids.
 * Stable (module level) so antd never remounts it: the inputs keep focus while typing.
 */
function HeaderWithFilters(props: React.HTMLAttributes<HTMLTableSectionElement>): React.JSX.Element {
  const row = useContext(FilterContext)
  return (
    <thead {...props}>
      {props.children}
      {row && (
        <tr className="bq-filter-row">
          {row.cells.map((c) => (
            <td key={c.key} className="ant-table-cell" style={{ padding: '4px 8px', background: '#fafafa' }}>
              {c.label !== null && (
                <Input
                  size="small"
                  allowClear
                  aria-label={c.label}
                  value={row.values[c.key] ?? ''}
                  onChange={(e) => row.set(c.key, e.target.value)}
                  data-testid={`filter-${c.key}`}
                />
              )}
            </td>
          ))}
        </tr>
      )}
    </thead>
  )
}

const HEADER = { header: { wrapper: HeaderWithFilters } }

/**
 * A staff table: every `textColumn` sortable with its own field in the filter row (text
 * contained, case-insensitive), paging, keyboard operable (titles sort with Enter, the
 * filter fields are ordinary inputs in tab order).
 */
export interface TableView {
  /** the filter row's non-empty fields, trimmed, by column key */
  filters: Record<string, string>
  sort?: { column: string; desc: boolean }
}

export function DataTable<T extends object>(
  props: Omit<TableProps<T>, 'columns'> & { columns: ColumnType<T>[]; 'data-testid'?: string; onViewChange?: (view: TableView) => void },
): React.JSX.Element {
  const { t } = useTranslation()
  const [values, setValues] = useState<Record<string, string>>({})
  const [sort, setSort] = useState<TableView['sort']>(undefined)
  const { columns, dataSource, expandable, onViewChange, onChange, ...rest } = props
  const report = (v: Record<string, string>, s: TableView['sort']) => {
    if (!onViewChange) return
    const filters = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.trim()] as const).filter(([, x]) => x !== ''))
    onViewChange({ filters, ...(s ? { sort: s } : {}) })
  }
  const label = t('common.filter')
  const shown = useMemo(() => {
    const active = columns.filter((c) => c.onFilter && (values[String(c.key)] ?? '').trim() !== '')
    if (active.length === 0) return dataSource
    return (dataSource ?? []).filter((row) => active.every((c) => c.onFilter!(values[String(c.key)]!.trim(), row)))
  }, [columns, dataSource, values])
  const row: FilterRow = {
    cells: [
      ...(expandable ? [{ key: '__expand', label: null }] : []),
      ...columns.map((c) => ({ key: String(c.key), label: c.onFilter ? `${label}: ${typeof c.title === 'string' ? c.title : String(c.key)}` : null })),
    ],
    values,
    set: (key, value) => {
      const next = { ...values, [key]: value }
      setValues(next)
      report(next, sort)
    },
  }
  // the filter row replaces the header drop-downs
  const cols = columns.map((c) => (c.onFilter ? { ...c, filterDropdown: undefined, onFilter: undefined } : c))
  return (
    <FilterContext.Provider value={row}>
      <Table<T>
        {...rest}
        {...(expandable ? { expandable } : {})}
        columns={cols}
        dataSource={shown ?? []}
        components={HEADER}
        onChange={(pagination, filters, sorter, extra) => {
          const one = Array.isArray(sorter) ? sorter[0] : sorter
          const next = one && one.order && one.columnKey !== undefined ? { column: String(one.columnKey), desc: one.order === 'descend' } : undefined
          if (next?.column !== sort?.column || next?.desc !== sort?.desc) {
            setSort(next)
            report(values, next)
          }
          onChange?.(pagination, filters, sorter, extra)
        }}
      />
    </FilterContext.Provider>
  )
}
