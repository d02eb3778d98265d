; Included by electron-builder into the NSIS script (nsis.include). NSIS ships no Kazakh
; language file, so electron-builder's generated `addLangs` macro (which would insert
; MUI_LANGUAGE "Kazakh" from NSIS's own folder and fail) is replaced by one that loads
; Kazakh from build/nsis/ and Russian from NSIS. Kazakh is first: the default.
!macroundef addLangs
!macro addLangs
  !insertmacro MUI_LANGUAGEEX "${BUILD_RESOURCES_DIR}\nsis" "Kazakh"
  !insertmacro MUI_LANGUAGE "Russian"
!macroend
