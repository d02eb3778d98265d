/**
 * A table for hundreds of thousands of rows: only the rows in view (plus a few) are in
 * the DOM, and rows arrive from the backend in pages as the user scrolls (the backend
 * filters, sorts and pages in SQLite; the renderer never holds the whole list). Fixed row
 * height, a header with sort buttons and an optional filter row, keyboard scrolling
 * (the body is focusable), ARIA table semantics with aria-rowcount / aria-rowindex.
 *
 * No dependency: about 150 lines do what the grid needs (measured in docs/decisions.md).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'

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
  rowKey: (row: T) => string
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

  const rows: React.ReactNode[] = []
  for (let i = first; i < last; i++) {
    const row = p.rowAt(i)
    rows.push(
      <div
        role="row"
        aria-rowindex={i + 3}
        key={row ? p.rowKey(row) : `loading-${i}`}
        className={`vt-row${i % 2 ? ' vt-odd' : ''}`}
        style={{ position: 'absolute', top: 0, left: 0, transform: `translateY(${i * rowHeight}px)`, height: rowHeight, width, display: 'grid', gridTemplateColumns: template }}
      >
        {row ? (
          p.columns.map((c) => (
            <div role="cell" key={c.key} className="vt-cell">
              {c.render(row)}
            </div>
          ))
        ) : (
          <div role="cell" className="vt-cell vt-loading" style={{ gridColumn: `1 / span ${p.columns.length}` }}>
            {p.loadingText}
          </div>
        )}
      </div>,
    )
  }

  const cycleSort = (key: string) => {
    if (!p.onSort) return
    if (p.sort?.column !== key) p.onSort({ column: key, desc: false })
    else if (!p.sort.desc) p.onSort({ column: key, desc: true })
    else p.onSort(undefined)
  }

  return (
    <div role="table" aria-label={p.label} aria-rowcount={p.total + 2} aria-colcount={p.columns.length} className="vt" data-testid={p.testId} style={{ overflowX: 'auto' }}>
      <div role="rowgroup" style={{ width }}>
        <div role="row" aria-rowindex={1} className="vt-head" style={{ display: 'grid', gridTemplateColumns: template }}>
          {p.columns.map((c) => {
            const state = p.sort?.column === c.key ? (p.sort.desc ? 'descending' : 'ascending') : 'none'
            return (
              <div role="columnheader" key={c.key} aria-sort={c.sortable ? state : undefined} className="vt-cell vt-th">
                {c.sortable ? (
                  <button
                    type="button"
                    className="vt-sort"
                    onClick={() => cycleSort(c.key)}
                    title={state === 'ascending' ? p.sortLabels.asc : state === 'descending' ? p.sortLabels.desc : p.sortLabels.none}
                  >
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
        {p.columns.some((c) => c.filter) && (
          <div role="row" aria-rowindex={2} className="vt-filters" style={{ display: 'grid', gridTemplateColumns: template }}>
            {p.columns.map((c) => (
              <div role="cell" key={c.key} className="vt-cell vt-filter">
                {c.filter}
              </div>
            ))}
          </div>
        )}
      </div>
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

/**
 * Pages of a result set fetched on demand, dropped when `key` (filter + sort) changes.
 * `fetchPage(offset, limit)` answers `{ total, rows }`.
 */
export function usePagedRows<T>(key: string, fetchPage: (offset: number, limit: number) => Promise<{ total: number; rows: T[] }>, pageSize = 200) {
  const pages = useRef(new Map<number, T[]>())
  const inFlight = useRef(new Set<number>())
  const generation = useRef(0)
  const [total, setTotal] = useState<number | null>(null)
  const [version, setVersion] = useState(0)
  const [error, setError] = useState<unknown>(null)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage

  const load = useCallback((page: number) => {
    if (pages.current.has(page) || inFlight.current.has(page)) return
    const gen = generation.current
    inFlight.current.add(page)
    fetchRef
      .current(page * pageSize, pageSize)
      .then((r) => {
        if (gen !== generation.current) return
        pages.current.set(page, r.rows)
        setTotal(r.total)
        setVersion((v) => v + 1)
      })
      .catch((e: unknown) => {
        if (gen === generation.current) setError(e)
      })
      .finally(() => {
        if (gen === generation.current) inFlight.current.delete(page)
      })
  }, [pageSize])

  // a new filter or sort: forget every page and start from the first
  useEffect(() => {
    generation.current++
    pages.current = new Map()
    inFlight.current = new Set()
    setError(null)
    setTotal(null)
    setVersion((v) => v + 1)
    load(0)
  }, [key, load])

  const onRange = useCallback(
    (start: number, end: number) => {
      for (let pg = Math.floor(start / pageSize); pg <= Math.floor(Math.max(start, end - 1) / pageSize); pg++) load(pg)
    },
    [load, pageSize],
  )
  const rowAt = useCallback((i: number) => pages.current.get(Math.floor(i / pageSize))?.[i % pageSize], [pageSize])
  /** refetch the pages in view (after an action) */
  const refresh = useCallback(() => {
    generation.current++
    const keep = [...pages.current.keys()]
    pages.current = new Map()
    inFlight.current = new Set()
    for (const pg of keep) load(pg)
    setVersion((v) => v + 1)
  }, [load])
  return { total, rowAt, onRange, refresh, error, version }
}
