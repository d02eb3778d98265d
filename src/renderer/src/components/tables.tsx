/**
 * Table helpers shared by the staff pages: every column sortable and with a filter field
 * (like the portals' grids), paging for thousands of rows, keyboard operable.
 */
import { Input, Tag, Tooltip } from 'antd'
import type { ColumnType, TablePaginationConfig } from 'antd/es/table'
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
