/**
 * The attendance grid (issue 11): children × working days of a month. Keyboard first:
 * arrow keys (and Home / End) move, `+`, Space or Enter mark present, `Н` / `N` / `Б`
 * mark absent (the page asks for the reason), Delete is ignored. Cells of days in the
 * future or outside the child's enrolment are disabled; marks not yet confirmed by the
 * central store are drawn dashed and say so.
 */
import { useEffect, useRef, useState } from 'react'
import { Tag, Tooltip } from 'antd'
import { useTranslation } from 'react-i18next'

export type AbsenceReasonCode = 'illness' | 'family_leave' | 'summer_leave' | 'quarantine' | 'other'

export interface GridMark {
  status: 'present' | 'absent'
  reason: string | null
  document: boolean
  pending: boolean
}

export interface GridChild {
  enrolmentId: string
  name: string
  /** days (YYYY-MM-DD) the child may be marked on: working days of the enrolment, not in the future */
  open: ReadonlySet<string>
  marks: Record<string, GridMark>
  /** the parent's answer once the month is closed */
  answer: 'approved' | 'disputed' | null
}

/** One letter per absence reason, the same in the табель PDF (src/main/documents/attendance.ts). */
export const REASON_CODE: Record<AbsenceReasonCode, string> = {
  illness: 'Б',
  family_leave: 'О',
  summer_leave: 'Ж',
  quarantine: 'К',
  other: 'Н',
}

const PRESENT_KEYS = new Set(['+', ' ', 'Enter', '1'])
const ABSENT_KEYS = new Set(['н', 'Н', 'n', 'N', 'б', 'Б', '-'])

export function markText(m: GridMark | undefined): string {
  if (!m) return ''
  if (m.status === 'present') return '+'
  return REASON_CODE[(m.reason ?? 'other') as AbsenceReasonCode] ?? REASON_CODE.other
}

export interface AttendanceGridProps {
  days: string[]
  children: GridChild[]
  /** today (Almaty), for the column highlight */
  today: string
  onPresent: (child: GridChild, day: string) => void
  onAbsent: (child: GridChild, day: string) => void
  /** the day's cell of a child that cannot be marked was asked for (e.g. a locked month) */
  label: string
}

export function AttendanceGrid({ days, children, today, onPresent, onAbsent, label }: AttendanceGridProps): React.JSX.Element {
  const { t } = useTranslation()
  const [pos, setPos] = useState<{ r: number; c: number }>({ r: 0, c: Math.max(0, days.includes(today) ? days.indexOf(today) : days.length - 1) })
  const table = useRef<HTMLTableElement>(null)
  const focusWanted = useRef(false)
  const r = Math.min(pos.r, Math.max(0, children.length - 1))
  const c = Math.min(pos.c, Math.max(0, days.length - 1))

  useEffect(() => {
    if (!focusWanted.current) return
    focusWanted.current = false
    table.current?.querySelector<HTMLElement>(`[data-cell="${r}:${c}"]`)?.focus()
  }, [r, c])

  const move = (dr: number, dc: number) => {
    focusWanted.current = true
    setPos({ r: Math.max(0, Math.min(children.length - 1, r + dr)), c: Math.max(0, Math.min(days.length - 1, c + dc)) })
  }

  const onKey = (e: React.KeyboardEvent, child: GridChild, day: string, ri: number, ci: number) => {
    if (ri !== r || ci !== c) setPos({ r: ri, c: ci })
    if (e.key === 'ArrowRight') move(0, 1)
    else if (e.key === 'ArrowLeft') move(0, -1)
    else if (e.key === 'ArrowDown') move(1, 0)
    else if (e.key === 'ArrowUp') move(-1, 0)
    else if (e.key === 'Home') move(0, -days.length)
    else if (e.key === 'End') move(0, days.length)
    else if (PRESENT_KEYS.has(e.key)) {
      if (!child.open.has(day)) return
      e.preventDefault()
      onPresent(child, day)
      // the next child, as a teacher goes down the list
      move(1, 0)
    } else if (ABSENT_KEYS.has(e.key)) {
      if (!child.open.has(day)) return
      e.preventDefault()
      onAbsent(child, day)
    } else return
    e.preventDefault()
  }

  const dayLabel = (d: string) => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`

  return (
    <div style={{ overflowX: 'auto' }}>
      <table ref={table} role="grid" aria-label={label} className="att-grid" data-testid="attendance-grid">
        <thead>
          <tr>
            <th scope="col" className="att-name">
              {t('attendance.child')}
            </th>
            {days.map((d) => (
              <th key={d} scope="col" className={d === today ? 'att-today' : undefined} aria-label={dayLabel(d)}>
                {Number(d.slice(8))}
              </th>
            ))}
            <th scope="col">{t('attendance.present')}</th>
            <th scope="col">{t('attendance.absent')}</th>
            <th scope="col">{t('attendance.parentAnswer')}</th>
          </tr>
        </thead>
        <tbody>
          {children.map((ch, ri) => {
            const marks = days.map((d) => ch.marks[d])
            const present = marks.filter((m) => m?.status === 'present').length
            const absent = marks.filter((m) => m?.status === 'absent').length
            return (
              <tr key={ch.enrolmentId} data-testid={`att-row-${ch.enrolmentId}`}>
                <th scope="row" className="att-name">
                  {ch.name}
                </th>
                {days.map((d, ci) => {
                  const m = ch.marks[d]
                  const open = ch.open.has(d)
                  const text = markText(m)
                  const what = m ? (m.status === 'present' ? t('attendance.present') : `${t('attendance.absent')}: ${t(`attendance.reasons.${m.reason ?? 'other'}`)}`) : t('attendance.unmarked')
                  const cell = (
                    <td
                      key={d}
                      role="gridcell"
                      data-cell={`${ri}:${ci}`}
                      data-day={d}
                      data-testid={`att-cell-${ch.enrolmentId}-${d}`}
                      tabIndex={ri === r && ci === c ? 0 : -1}
                      aria-disabled={open ? undefined : true}
                      aria-label={`${ch.name}, ${dayLabel(d)}: ${what}${m?.pending ? `, ${t('common.pending')}` : ''}${m?.document ? `, ${t('attendance.withDocument')}` : ''}`}
                      className={['att-cell', open ? '' : 'att-off', m?.pending ? 'att-pending' : '', m?.status === 'absent' ? 'att-absent' : '', d === today ? 'att-today' : ''].filter(Boolean).join(' ')}
                      onKeyDown={(e) => onKey(e, ch, d, ri, ci)}
                      onClick={() => setPos({ r: ri, c: ci })}
                      onDoubleClick={() => open && onAbsent(ch, d)}
                    >
                      {text}
                      {m?.document ? <sup aria-hidden>📎</sup> : null}
                    </td>
                  )
                  return m?.pending ? (
                    <Tooltip key={d} title={t('common.pendingHelp')}>
                      {cell}
                    </Tooltip>
                  ) : (
                    cell
                  )
                })}
                <td className="att-total">{present}</td>
                <td className="att-total">{absent}</td>
                <td>{ch.answer ? <Tag color={ch.answer === 'approved' ? 'green' : 'red'}>{t(`attendance.answers.${ch.answer}`)}</Tag> : null}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
