/**
 * A table for hundreds of thousands of rows: only the rows in view (plus a few) are in
 * the DOM, and rows arrive from the backend in pages as the user scrolls (the backend
 * filters, sorts and pages in SQLite; the renderer never holds the whole list). Fixed row
 * height, a header with sort buttons and an optional filter row, keyboard scrolling
 * (the body is focusable), ARIA table semantics with aria-rowcount / aria-rowindex.
 *
 * No dependency: about 150 lines do what the grid needs (measured in docs/decisions.md).
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'

export interface VirtualColumn<T> {
  key: string
  title: string
  width: number
  render: (row: T) => React.ReactNode
  /** shows a sort button in the header */
  sortable?: boolean
  /** the column's control in the filter row */
  filter?: React.ReactNode
}

export interface SortState {
  column: string
  desc: boolean
}

export interface VirtualTableProps<T> {
  columns: VirtualColumn<T>[]
  total: number
  /** the row at an absolute index, when its page has arrived */
  rowAt: (index: number) => T | undefined
  /** the rows from `start` to `end` (exclusive) are in view: fetch what is missing */
  onRange: (start: number, end: number) => void
  label: string
  loadingText: string
  sort?: SortState
  onSort?: (next: SortState | undefined) => void
  sortLabels: { asc: string; desc: string; none: string }
  rowHeight?: number
  height?: number
  testId?: string
  /** extra rows rendered above and below the view */
  overscan?: number
}

export function VirtualTable<T>(p: VirtualTableProps<T>): React.JSX.Element {
  const rowHeight = p.rowHeight ?? 36
  const height = p.height ?? 560
  const overscan = p.overscan ?? 8
  const body = useRef<HTMLDivElement>(null)
  const [top, setTop] = useState(0)
  const frame = useRef(0)
  const width = p.columns.reduce((n, c) => n + c.width, 0)
  const template = p.columns.map((c) => `${c.width}px`).join(' ')

  const first = Math.max(0, Math.floor(top / rowHeight) - overscan)
  const last = Math.min(p.total, Math.ceil((top + height) / rowHeight) + overscan)
  const { onRange } = p
  useEffect(() => {
    onRange(first, last)
  }, [first, last, onRange])

  const onScroll = useCallback(() => {
    if (frame.current) return
    frame.current = requestAnimationFrame(() => {
      frame.current = 0
      if (body.current) setTop(body.current.scrollTop)
    })
  }, [])
  useEffect(() => () => cancelAnimationFrame(frame.current), [])
  // a new result set (filter or sort changed) starts at the top
  useLayoutEffect(() => {
    if (body.current && body.current.scrollTop > p.total * rowHeight) {
      body.current.scrollTop = 0
      setTop(0)
    }
  }, [p.total, rowHeight])

  // Rows are keyed by their slot in the window, not by their data: a row scrolled out
  // hands its DOM elements to the row scrolled in, so scrolling changes text and a
  // transform instead of removing and creating elements (measured: removing and creating
  // the rows' elements was the largest part of the long frames). Any window of at most
  // `slots` consecutive indexes has distinct slots.
  const slots = Math.ceil(height / rowHeight) + 2 * overscan + 2
  const cellStyles = useMemo(() => p.columns.map((c) => ({ flex: `0 0 ${c.width}px`, width: c.width })), [p.columns])
  // The children are in slot order, which stays the same while scrolling (in index order
  // the slots would rotate and React would move elements); rows are placed by their
  // transform and announced by aria-rowindex, as virtual grids commonly do.
  const rows: React.ReactNode[] = new Array<React.ReactNode>(slots).fill(null)
  for (let i = first; i < last; i++) {
    // a row whose page has not arrived yet is the same elements with a loading text, so
    // its arrival only changes text
    rows[i % slots] = <Row key={i % slots} row={p.rowAt(i)} index={i} columns={p.columns} cellStyles={cellStyles} rowHeight={rowHeight} width={width} loadingText={p.loadingText} />
  }

  const { onSort, sort } = p
  const cycleSort = useCallback(
    (key: string) => {
      if (!onSort) return
      if (sort?.column !== key) onSort({ column: key, desc: false })
      else if (!sort.desc) onSort({ column: key, desc: true })
      else onSort(undefined)
    },
    [onSort, sort],
  )

  return (
    <div role="table" aria-label={p.label} aria-rowcount={p.total + 2} aria-colcount={p.columns.length} className="vt" data-testid={p.testId} style={{ overflowX: 'auto' }}>
      <Header columns={p.columns} sort={p.sort} onSort={cycleSort} sortLabels={p.sortLabels} width={width} template={template} />
      <div
        role="rowgroup"
        ref={body}
        tabIndex={0}
        aria-label={p.label}
        onScroll={onScroll}
        className="vt-body"
        data-testid={p.testId ? `${p.testId}-body` : undefined}
        style={{ height, width: width + 18, overflowY: 'auto', overflowX: 'hidden', position: 'relative', contain: 'strict' }}
      >
        <div style={{ height: p.total * rowHeight, width, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  )
}

interface RowProps<T> {
  row: T | undefined
  index: number
  columns: VirtualColumn<T>[]
  cellStyles: React.CSSProperties[]
  rowHeight: number
  width: number
  loadingText: string
}

/**
 * One row; unchanged rows are not rendered again while scrolling (the columns are memoised
 * by the page). Cells are fixed-width flex items: cheaper to lay out than a grid track
 * list on every row.
 */
const Row = memo(function Row<T>({ row, index, columns, cellStyles, rowHeight, width, loadingText }: RowProps<T>): React.JSX.Element {
  return (
    <div
      role="row"
      aria-rowindex={index + 3}
      className={`vt-row${index % 2 ? ' vt-odd' : ''}`}
      style={{ position: 'absolute', top: 0, left: 0, transform: `translateY(${index * rowHeight}px)`, height: rowHeight, width, display: 'flex' }}
    >
      {columns.map((c, k) => (
        <div role="cell" key={c.key} className={row === undefined && k === 0 ? 'vt-cell vt-loading' : 'vt-cell'} style={cellStyles[k]}>
          {row === undefined ? (k === 0 ? loadingText : null) : c.render(row)}
        </div>
      ))}
    </div>
  )
}) as <T>(p: RowProps<T>) => React.JSX.Element

interface HeaderProps<T> {
  columns: VirtualColumn<T>[]
  sort: SortState | undefined
  onSort: (key: string) => void
  sortLabels: { asc: string; desc: string; none: string }
  width: number
  template: string
}

/** Header and filter row: rendered again only when the columns or the sort change, not while scrolling. */
const Header = memo(function Header<T>({ columns, sort, onSort, sortLabels, width, template }: HeaderProps<T>): React.JSX.Element {
  return (
    <div role="rowgroup" style={{ width }}>
      <div role="row" aria-rowindex={1} className="vt-head" style={{ display: 'grid', gridTemplateColumns: template }}>
        {columns.map((c) => {
          const state = sort?.column === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'
          return (
            <div role="columnheader" key={c.key} aria-sort={c.sortable ? state : undefined} className="vt-cell vt-th">
              {c.sortable ? (
                <button type="button" className="vt-sort" onClick={() => onSort(c.key)} title={state === 'ascending' ? sortLabels.asc : state === 'descending' ? sortLabels.desc : sortLabels.none}>
                  {c.title}
                  <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ' ↕'}</span>
                </button>
              ) : (
                c.title
              )}
            </div>
          )
        })}
      </div>
      {columns.some((c) => c.filter) && (
        <div role="row" aria-rowindex={2} className="vt-filters" style={{ display: 'grid', gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div role="cell" key={c.key} className="vt-cell vt-filter">
              {c.filter}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}) as <T>(p: HeaderProps<T>) => React.JSX.Element

/**
 * Pages of a result set fetched on demand, dropped when `key` (filter + sort) changes.
 * `fetchPage(offset, limit)` answers `{ total, rows }`.
 */
export function usePagedRows<T>(key: string, fetchPage: (offset: number, limit: number) => Promise<{ total: number; rows: T[] }>, pageSize = 200) {
  const [nonce, setNonce] = useState(0)
  const fullKey = `${key}\u0000${nonce}`
  const [store, setStore] = useState<{ key: string; pages: Map<number, T[]>; total: number | null; error: unknown }>(() => ({ key: fullKey, pages: new Map(), total: null, error: null }))
  // a new filter or sort: forget every page (adjusting state while rendering, as React advises)
  if (store.key !== fullKey) setStore({ key: fullKey, pages: new Map(), total: store.total, error: null })
  const inFlight = useRef(new Set<string>())
  const fetchRef = useRef(fetchPage)
  const current = useRef(store)
  useLayoutEffect(() => {
    fetchRef.current = fetchPage
    current.current = store
  })

  const load = useCallback(
    (page: number) => {
      const s = current.current
      const id = `${s.key}\u0001${page}`
      if (s.pages.has(page) || inFlight.current.has(id)) return
      inFlight.current.add(id)
      fetchRef
        .current(page * pageSize, pageSize)
        .then(
          (r) => setStore((prev) => (prev.key !== s.key ? prev : { ...prev, pages: new Map(prev.pages).set(page, r.rows), total: r.total })),
          (e: unknown) => setStore((prev) => (prev.key !== s.key ? prev : { ...prev, error: e })),
        )
        .finally(() => inFlight.current.delete(id))
    },
    [pageSize],
  )
  const storeKey = store.key
  useEffect(() => {
    load(0)
  }, [storeKey, load])

  const onRange = useCallback(
    (start: number, end: number) => {
      void storeKey // a new result set asks for the rows in view again
      for (let pg = Math.floor(start / pageSize); pg <= Math.floor(Math.max(start, end - 1) / pageSize); pg++) load(pg)
    },
    [load, pageSize, storeKey],
  )
  const pages = store.pages
  const rowAt = useCallback((i: number) => pages.get(Math.floor(i / pageSize))?.[i % pageSize], [pages, pageSize])
  /** fetch the rows in view again (after an action) */
  const refresh = useCallback(() => setNonce((n) => n + 1), [])
  return { total: store.total, rowAt, onRange, refresh, error: store.error }
}
