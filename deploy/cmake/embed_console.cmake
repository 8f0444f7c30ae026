# Writes OUTPUT: a C++ source that holds each file of the web console (FILES, names relative to
# DIR, separated by commas) as a string, for api/console_files.hpp. Run by the build whenever a
# console file changes.
string(REPLACE "," ";" FILES "${FILES}")
set(body "// Generated from console/ by deploy/cmake/embed_console.cmake: do not edit.\n")
string(APPEND body "#include \"gateway/api/console_files.hpp\"\n\nnamespace eaeu::api {\n\n")
string(APPEND body "const std::map<std::string, std::string, std::less<>>& ConsoleFiles() {\n")
string(APPEND body "  static const std::map<std::string, std::string, std::less<>> files{\n")
foreach(name IN LISTS FILES)
  file(READ "${DIR}/${name}" content)
  string(FIND "${content}" ")eaeu_console\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "console/${name} holds the raw string's end marker")
  endif()
  string(APPEND body "      {\"${name}\", R\"eaeu_console(${content})eaeu_console\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace eaeu::api\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
