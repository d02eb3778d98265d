/*
 * A PKCS#11 module for tests that wraps SoftHSM2 and adds what SoftHSM2 lacks and real
 * tokens (Kaztoken, eToken, JaCarta) have: a user-PIN retry counter. After each wrong PIN
 * the token info carries CKF_USER_PIN_COUNT_LOW, then CKF_USER_PIN_FINAL_TRY on the last
 * try, and after BQ_PIN_MAX_TRIES wrong PINs CKF_USER_PIN_LOCKED and C_Login answers
 * CKR_PIN_LOCKED. The counter lives in the file BQ_PIN_STATE so it survives processes
 * (like a token's). Every other call goes straight to SoftHSM2 (BQ_PIN_REAL_MODULE).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#define CK_PTR *
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType(*name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType(*name)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#include "pkcs11.h"

static CK_FUNCTION_LIST_PTR real = NULL;
static CK_FUNCTION_LIST mine;

static int max_tries(void) {
  const char *s = getenv("BQ_PIN_MAX_TRIES");
  int n = s ? atoi(s) : 3;
  return n > 0 ? n : 3;
}

static int load_failures(void) {
  const char *path = getenv("BQ_PIN_STATE");
  int n = 0;
  if (!path) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  if (fscanf(f, "%d", &n) != 1) n = 0;
  fclose(f);
  return n;
}

static void save_failures(int n) {
  const char *path = getenv("BQ_PIN_STATE");
  if (!path) return;
  FILE *f = fopen(path, "w");
  if (!f) return;
  fprintf(f, "%d\n", n);
  fclose(f);
}

static CK_RV my_Login(CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  if (type != CKU_USER) return real->C_Login(h, type, pin, len);
  int failures = load_failures();
  if (failures >= max_tries()) return CKR_PIN_LOCKED;
  CK_RV rv = real->C_Login(h, type, pin, len);
  if (rv == CKR_PIN_INCORRECT) save_failures(failures + 1);
  else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) save_failures(0);
  return rv;
}

static CK_RV my_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK) return rv;
  int failures = load_failures();
  int max = max_tries();
  info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
  if (failures >= max) info->flags |= CKF_USER_PIN_LOCKED;
  else if (failures > 0) {
    info->flags |= CKF_USER_PIN_COUNT_LOW;
    if (max - failures == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
  }
  return rv;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR pp) {
  if (!real) {
    const char *path = getenv("BQ_PIN_REAL_MODULE");
    void *lib = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return CKR_GENERAL_ERROR;
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!get || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
    mine = *real;
    mine.C_Login = my_Login;
    mine.C_GetTokenInfo = my_GetTokenInfo;
  }
  *pp = &mine;
  return CKR_OK;
}
