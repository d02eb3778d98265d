import type { HandlerTable } from '../backend'
import { about } from './about'
import { getSettings, updateSettings } from './settings'
import { listGroups, setGroupCapacity } from './groups'
import { checkForUpdate, downloadUpdate, installUpdate } from './update'
import { saveDiagnostics } from './diagnostics'
import * as staff from './staff'
import * as office from './office'
import * as attendance from './attendance'
import * as registry from './office-registry'
import { addSwap, getCalendar, removeSwap } from './calendar'
import { referralPdf } from './staff-pdf'
import { documentPdf } from '../documents'
import { cancelExport, downloadExport, exportStatus, runReport, startExport } from '../reports/handlers'
import { attach, listAttachments } from './staff-attachments'
import { getAttachment } from './attachments'
import { currentSession, dismissProblem, signIn, signOut, syncNow, syncProblems, syncStatus } from './session'
import * as yearly from './yearly'

/** The workstation's handler table: one entry per name in api/contract.ts. */
export const handlers: HandlerTable = {
  'settings.get': getSettings,
  'settings.update': updateSettings,
  'app.about': about,
  'update.check': checkForUpdate,
  'update.download': downloadUpdate,
  'update.install': installUpdate,
  'diagnostics.save': saveDiagnostics,
  'session.signIn': signIn,
  'session.current': currentSession,
  'session.signOut': signOut,
  'sync.status': syncStatus,
  'sync.now': syncNow,
  'sync.problems': syncProblems,
  'sync.dismissProblem': dismissProblem,
  'groups.list': listGroups,
  'groups.setCapacity': setGroupCapacity,
  'keys.describe': staff.describeKeys,
  'keys.demo': staff.demoKeys,
  'profile.get': staff.getProfile,
  'profile.setEmail': staff.setProfileEmail,
  'staff.today': staff.today,
  'staff.kindergarten': staff.kindergarten,
  'staff.vacancies': staff.listVacancies,
  'staff.publish': staff.publishVacancy,
  'staff.withdraw': staff.withdrawVacancy,
  'staff.bids': staff.listBids,
  'staff.activate': staff.activateBid,
  'staff.reject': staff.rejectBid,
  'staff.referrals': staff.listReferrals,
  'staff.referralPdf': referralPdf,
  'staff.markArrived': staff.markArrived,
  'staff.contracts': staff.listContracts,
  'staff.attachments': listAttachments,
  'staff.attach': attach,
  'staff.sendContract': staff.sendContract,
  'staff.signContract': staff.signContract,
  'staff.children': staff.listChildren,
  'staff.depart': staff.departChild,
  'staff.transfer': staff.transferChild,
  'staff.journal': staff.listJournal,
  'documents.pdf': documentPdf,
  'reports.run': runReport,
  'export.start': startExport,
  'export.status': exportStatus,
  'export.cancel': cancelExport,
  'export.download': downloadExport,
  'office.queue': office.queue,
  'office.cohorts': office.cohorts,
  'office.districts': office.districts,
  'calendar.get': getCalendar,
  'calendar.addSwap': addSwap,
  'calendar.removeSwap': removeSwap,
  'office.kindergartens': registry.kindergartens,
  'office.kindergarten': registry.kindergarten,
  'office.bulletin': registry.bulletin,
  'office.referrals': registry.referrals,
  'office.filters': office.filters,
  'office.saveFilter': office.saveFilter,
  'office.deleteFilter': office.deleteFilter,
  'office.application': office.application,
  'attendance.month': attendance.month,
  'attendance.mark': attendance.mark,
  'attendance.close': attendance.close,
  'attendance.disputes': attendance.disputes,
  'attendance.resolve': attendance.resolve,
  'attendance.correct': attendance.correct,
  'attendance.funding': attendance.funding,
  'office.privilegeConfirm': office.privilegeConfirm,
  'office.privilegeReject': office.privilegeReject,
  'office.stopListPut': office.stopListPut,
  'office.stopListRelease': office.stopListRelease,
  'office.remove': office.remove,
  'office.restore': office.restore,
  'yearly.state': yearly.yearlyState,
  'yearly.regroup': yearly.regroup,
  'yearly.campaignOpen': yearly.campaignOpen,
  'yearly.bulletinPause': yearly.bulletinPause,
  'bulletin.pauseState': yearly.bulletinPauseState,
  'review.list': office.reviewList,
  'attachments.get': getAttachment,
  'review.confirm': office.reviewConfirm,
  'review.reject': office.reviewReject,
}
