/** Hash routes: `#/page?key=value`. */
import { useEffect, useState } from 'react'

export interface Route {
  page: string
  params: URLSearchParams
}

export function currentRoute(): Route {
  const raw = window.location.hash.replace(/^#\/?/, '')
  const [page = '', query = ''] = raw.split('?')
  return { page, params: new URLSearchParams(query) }
}

export function navigate(page: string, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString()
  window.location.hash = `/${page}${q ? `?${q}` : ''}`
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(currentRoute)
  useEffect(() => {
    const on = () => setRoute(currentRoute())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
