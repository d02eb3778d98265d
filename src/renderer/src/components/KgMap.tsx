/**
 * An offline map of kindergartens: an SVG drawn from their coordinates, with each
 * district's outline (the convex hull of its kindergartens, padded) and a circle per
 * kindergarten sized and coloured by its free places. No tiles, nothing from the network.
 */
import { useMemo } from 'react'

export interface MapPoint {
  id: string
  name: string
  district: string | null
  lat: number
  lon: number
  freePlaces: number
  label: string
}

type P = [number, number]

function hull(points: P[]): P[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  if (pts.length < 3) return pts
  const cross = (o: P, a: P, b: P) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
  const lower: P[] = []
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop()
    lower.push(p)
  }
  const upper: P[] = []
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop()
    upper.push(p)
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)]
}

const COLORS = ['#b42318', '#b54708', '#1d6f42']

export function KgMap({ points, label, onOpen, width = 900, height = 560 }: { points: MapPoint[]; label: string; onOpen: (id: string) => void; width?: number; height?: number }): React.JSX.Element {
  const drawn = useMemo(() => {
    if (points.length === 0) return { circles: [], outlines: [] as Array<{ district: string; d: string; x: number; y: number }> }
    const lats = points.map((p) => p.lat)
    const lons = points.map((p) => p.lon)
    const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)]
    const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180))
    const spanX = Math.max(1e-6, (maxLon - minLon) * k)
    const spanY = Math.max(1e-6, maxLat - minLat)
    const pad = 30
    const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
    const xy = (lat: number, lon: number): P => [pad + (lon - minLon) * k * scale, pad + (maxLat - lat) * scale]
    const byDistrict = new Map<string, P[]>()
    const circles = points.map((p) => {
      const [x, y] = xy(p.lat, p.lon)
      const d = p.district ?? '—'
      byDistrict.set(d, [...(byDistrict.get(d) ?? []), [x, y]])
      return { ...p, x, y, r: 4 + Math.min(10, Math.sqrt(p.freePlaces)), color: COLORS[p.freePlaces === 0 ? 0 : p.freePlaces < 10 ? 1 : 2]! }
    })
    const outlines = [...byDistrict.entries()].map(([district, pts]) => {
      const h = hull(pts)
      const cx = pts.reduce((n, p) => n + p[0], 0) / pts.length
      const cy = pts.reduce((n, p) => n + p[1], 0) / pts.length
      // pad the outline outwards from its centre
      const grown = h.map(([x, y]): P => {
        const dx = x - cx
        const dy = y - cy
        const len = Math.hypot(dx, dy) || 1
        return [x + (dx / len) * 12, y + (dy / len) * 12]
      })
      const d = grown.length ? `M${grown.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z` : ''
      return { district, d, x: cx, y: Math.min(...pts.map((p) => p[1])) - 16 }
    })
    return { circles, outlines }
  }, [points, width, height])

  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width, background: '#f6f8fa', border: '1px solid #e5e5e5', borderRadius: 6 }} data-testid="kg-map">
      {drawn.outlines.map((o) => (
        <g key={o.district}>
          <path d={o.d} fill="#e8eef5" stroke="#5b7a99" strokeWidth={1.5} strokeDasharray="4 3" />
          <text x={o.x} y={o.y} textAnchor="middle" fontSize={13} fill="#1f3b57">
            {o.district}
          </text>
        </g>
      ))}
      {drawn.circles.map((c) => (
        <circle
          key={c.id}
          cx={c.x}
          cy={c.y}
          r={c.r}
          fill={c.color}
          fillOpacity={0.8}
          stroke="#fff"
          strokeWidth={1}
          style={{ cursor: 'pointer' }}
          onClick={() => onOpen(c.id)}
          data-testid={`map-kg-${c.id}`}
        >
          <title>{c.label}</title>
        </circle>
      ))}
    </svg>
  )
}
