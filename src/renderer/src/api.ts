/**
 * The renderer's access to the backend: `window.api` (the typed bridge) wrapped in
 * TanStack Query. Failed calls reject with `ApiError`, carrying the `{ code, params }`
 * the UI translates.
 */
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query'
import type { Violation } from '../../core/result'
import type { ApiInput, ApiName, ApiOutput } from '../../main/api/contract'

export class ApiError extends Error {
  constructor(readonly violation: Violation) {
    super(violation.code)
    this.name = 'ApiError'
  }
}

export async function call<K extends ApiName>(name: K, args: ApiInput<K>): Promise<ApiOutput<K>> {
  const result = await window.api.invoke(name, args)
  if (!result.ok) throw new ApiError(result.error)
  return result.value
}

export function useApi<K extends ApiName>(
  name: K,
  args: ApiInput<K>,
  options: Omit<UseQueryOptions<ApiOutput<K>, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<ApiOutput<K>, ApiError>({
    queryKey: [name, args],
    queryFn: () => call(name, args),
    ...options,
  })
}

/** A write: on success the queries named in `invalidates` are refetched. */
export function useApiMutation<K extends ApiName>(name: K, invalidates: ApiName[] = []) {
  const client = useQueryClient()
  return useMutation<ApiOutput<K>, ApiError, ApiInput<K>>({
    mutationFn: (args) => call(name, args),
    onSuccess: async () => {
      await Promise.all(invalidates.map((n) => client.invalidateQueries({ queryKey: [n] })))
    },
  })
}
