// Moving a SQLite journal into PostgreSQL, table by table, checked before it is committed.
#include "gateway/store/copy.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>

#include "gateway/core/hex.hpp"
#include "gateway/store/postgres/detail/connection.hpp"
#include "gateway/store/postgres/detail/migrations.hpp"
#include "gateway/store/sqlite/detail/connection.hpp"
#include "gateway/store/sqlite/detail/migrations.hpp"

namespace eaeu::store {
namespace {

// Every table of the schema, in an order that keeps references valid.
constexpr std::array kTables = {"messages",
                                "message_documents",
                                "message_signatures",
                                "message_events",
                                "deliveries",
                                "delivery_sends",
                                "delivery_events",
                                "cursors",
                                "deadlines",
                                "deadline_events",
                                "register_versions",
                                "register_syncs",
                                "certificate_statuses",
                                "audit",
                                "audit_archives"};

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

// The digest of a table's contents whatever order its rows come in: each row's digest (of every
// value with its length, NULL marked apart), sorted, then digested together.
class TableDigest {
 public:
  void Row(const sql::Statement& q, size_t columns) {
    std::string row;
    for (size_t c = 0; c < columns; ++c) {
      const int col = static_cast<int>(c);
      if (q.IsNull(col)) {
        row += "N;";
        continue;
      }
      const std::string v = q.Text(col);
      row += std::to_string(v.size()) + ":" + v + ";";
    }
    rows_.push_back(Sha256(row));
  }
  uint64_t rows() const { return rows_.size(); }
  std::string Hex() {
    std::sort(rows_.begin(), rows_.end());
    std::string all;
    for (const auto& r : rows_) all += r;
    return HexLower(Sha256(all));
  }

 private:
  std::vector<std::string> rows_;
};

struct Columns {
  std::vector<std::string> names;  // as SQLite has them, in order
  std::set<std::string> bytea;     // those PostgreSQL keeps as bytea
  bool rowid = false;              // PostgreSQL has an ordering column to carry SQLite's into
};

Result<Columns> ColumnsOf(sql::Connection& from, sql::Connection& to, const std::string& table) {
  Columns out;
  sql::Statement info(from, "SELECT name FROM pragma_table_info(?)");
  info.Bind(1, table);
  while (info.Step() == sql::kRow) out.names.push_back(info.Text(0));
  if (out.names.empty()) return from.LastError("the columns of " + table);
  sql::Statement pg(to,
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = ?");
  pg.Bind(1, table);
  std::set<std::string> target;
  while (pg.Step() == sql::kRow) {
    const std::string name = pg.Text(0);
    target.insert(name);
    if (pg.Text(1) == "bytea") out.bytea.insert(name);
    if (name == "rowid") out.rowid = true;
  }
  for (const auto& n : out.names) {
    if (!target.contains(n)) {
      return MakeError("journal.copy", table + "." + n,
                       "the PostgreSQL schema has no such column: the two schemas differ");
    }
  }
  return out;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Result<CopiedTable> CopyTable(sql::Connection& from, sql::Connection& to,
                              const std::string& table) {
  auto columns = ColumnsOf(from, to, table);
  if (!columns) return columns.error();
  std::vector<std::string> names = columns->names;
  if (columns->rowid) names.push_back("rowid");  // the feeds' positions stay what they were
  std::string placeholders;
  for (size_t i = 1; i <= names.size(); ++i) {
    placeholders += (i == 1 ? "?" : ", ?") + std::to_string(i);
  }
  const std::string list = Joined(names);
  TableDigest source;
  sql::Statement read(from, "SELECT " + list + " FROM " + table + " ORDER BY rowid");
  if (!read.ok()) return from.LastError("read " + table);
  const std::string insert =
      "INSERT INTO " + table + " (" + list + ") VALUES (" + placeholders + ")";
  sql::Stepped step;
  while ((step = read.Step()) == sql::kRow) {
    sql::Statement write(to, insert);  // prepared once: the connection keeps it
    for (size_t c = 0; c < names.size(); ++c) {
      const int col = static_cast<int>(c);
      const int param = col + 1;
      if (read.IsNull(col)) {
        write.BindNull(param);
      } else if (columns->bytea.contains(names[c])) {
        write.BindBlob(param, read.Text(col));
      } else {
        write.Bind(param, read.Text(col));
      }
    }
    if (write.Step() != sql::kDone) return to.LastError("copy into " + table);
    source.Row(read, columns->names.size());
  }
  if (step != sql::kDone) return from.LastError("read " + table);
  // Serial columns go on from the largest value copied.
  for (const char* serial : {"rowid", "id"}) {
    if (std::string(serial) == "rowid" ? !columns->rowid : table != "register_versions") continue;
    const std::string sql = std::string("SELECT setval(pg_get_serial_sequence('") + table + "', '" +
                            serial + "'), COALESCE(MAX(" + serial + "), 0) + 1, false) " + "FROM " +
                            table;
    if (auto st = to.Exec(sql.c_str()); !st) return st.error();
  }
  // Read back from the target and compared.
  TableDigest target;
  sql::Statement check(to, "SELECT " + Joined(columns->names) + " FROM " + table);
  while ((step = check.Step()) == sql::kRow) target.Row(check, columns->names.size());
  if (step != sql::kDone) return to.LastError("check " + table);
  CopiedTable out{table, source.rows(), source.Hex()};
  const std::string copied = target.Hex();
  if (target.rows() != out.rows || copied != out.sha256) {
    return MakeError("journal.copy", table,
                     "the copy differs: " + std::to_string(out.rows) + " rows, SHA-256 " +
                         out.sha256 + " in SQLite; " + std::to_string(target.rows()) +
                         " rows, SHA-256 " + copied + " in PostgreSQL");
  }
  return out;
}

}  // namespace

Result<std::vector<CopiedTable>> CopySqliteToPostgres(const SqliteJournalOptions& from,
                                                      const PostgresJournalOptions& to) {
  if (!std::filesystem::exists(from.file)) {
    return MakeError("journal.copy", from.file.string(), "no such journal file");
  }
  auto source = sqlite::Connection::Open(from.file);
  if (!source) return source.error();
  if (auto st = sqlite::Migrate(**source, from.file, 0); !st) return st.error();
  auto target = postgres::Connection::Open(to.url, to.password);
  if (!target) return target.error();
  if (auto st = postgres::Migrate(**target, 0); !st) return st.error();
  if (auto st = postgres::LockInstance(**target, false); !st) return st.error();
  {
    sql::Statement any(**target, "SELECT COUNT(*) FROM messages");
    if (any.Step() != sql::kRow) return (*target)->LastError("the target's messages");
    if (any.Int(0) != 0) {
      return MakeError("journal.copy", "postgresql",
                       "the database holds " + std::to_string(any.Int(0)) +
                           " messages already: copy into an empty one");
    }
  }
  // The source's write lock: no gateway commits to it while it is read.
  if (auto st = (*source)->BeginWrite(); !st) return st.error();
  if (auto st = (*target)->BeginWrite(); !st) return st.error();
  std::vector<CopiedTable> copied;
  for (const char* table : kTables) {
    auto one = CopyTable(**source, **target, table);
    if (!one) {
      (void)(*target)->Exec("ROLLBACK");
      (void)(*source)->Exec("ROLLBACK");
      return one.error();
    }
    copied.push_back(std::move(*one));
  }
  if (auto st = (*target)->Exec("COMMIT"); !st) {
    (void)(*source)->Exec("ROLLBACK");
    return st.error();
  }
  (void)(*source)->Exec("ROLLBACK");
  return copied;
}

}  // namespace eaeu::store
