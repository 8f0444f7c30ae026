#include "gateway/app/cli_sign.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ostream>

#include "gateway/app/cli.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/files.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/verdict_json.hpp"

namespace eaeu::app {
namespace {

using Json = nlohmann::ordered_json;

std::time_t Now() {
  return std::chrono::system_clock::to_time_t(SystemClock().Now());
}

Result<std::shared_ptr<const sign::SigningCredentials>> LoadCredentials(
    const SignCommand::Options& o) {
  const sign::PasswordSource password{o.password_file, o.password_env};
  if (!o.pkcs12.empty()) return sign::SigningCredentials::FromPkcs12(o.pkcs12, password);
  return sign::SigningCredentials::FromPem(o.key, o.certificate, password);
}

Json SignatureJson(const std::string& file, const sign::SignatureVerdict& v,
                   const validate::Verdict& document) {
  Json j;
  j["file"] = file;
  const auto verdict = sign::SignatureVerdictToJson(v);
  for (const auto& [key, value] : verdict.items()) j[key] = value;
  j["document"] = validate::StatusName(document.status);
  return j;
}

void PrintSignatureText(std::ostream& out, const std::string& file, const sign::SignatureVerdict& v,
                        const validate::Verdict& document) {
  out << file << ": signature " << (v.valid ? "valid" : "invalid");
  if (v.failed) out << " (" << sign::CheckName(*v.failed) << ")";
  out << "\n";
  if (!v.valid) out << "  " << v.reason << "\n";
  if (v.algorithm) out << "  algorithm: " << sign::Info(*v.algorithm).description << "\n";
  if (v.signer) {
    out << "  signer: " << v.signer->subject << "\n  issuer: " << v.signer->issuer
        << "\n  serial: " << v.signer->serial << "\n";
  }
  out << "  checked at: " << FormatUtc(v.signing_time) << "\n";
  for (const auto& n : v.notes) out << "  note: " << n << "\n";
  if (!document.valid()) {
    out << "  note: the document itself is " << validate::StatusName(document.status) << " ("
        << document.ErrorCount() << " errors); run eaeu-gateway validate for the details\n";
  }
}

}  // namespace

SignCommand AddSignCommand(CLI::App& app, SignCommand::Options& o) {
  SignCommand sign;
  sign.options = &o;
  sign.command = app.add_subcommand(
      "sign",
      "Validate a document (XML or JSON) and sign it: an enveloped XML-DSig signature, the last "
      "child of the root (exchange.md §5). Writes the signed XML. Exit 0 when signed, 1 when the "
      "document is invalid, 2 when it or the keys cannot be used");
  sign.command->add_option("FILE", o.file, "Document to sign")
      ->required()
      ->check(CLI::ExistingFile);
  auto* key = sign.command->add_option("--key", o.key, "Private key (PEM, PKCS#8 if encrypted)")
                  ->check(CLI::ExistingFile);
  auto* cert = sign.command
                   ->add_option("--cert", o.certificate,
                                "Signer's certificate (PEM; intermediates may follow it)")
                   ->check(CLI::ExistingFile);
  auto* p12 =
      sign.command->add_option("--pkcs12", o.pkcs12, "Private key and certificate (PKCS#12)")
          ->check(CLI::ExistingFile);
  key->needs(cert);
  cert->needs(key);
  p12->excludes(key)->excludes(cert);
  auto* pass_file = sign.command->add_option("--password-file", o.password_file,
                                             "File whose first line is the key's password");
  sign.command
      ->add_option("--password-env", o.password_env,
                   "Environment variable that holds the key's password")
      ->excludes(pass_file);
  sign.command->add_option("--out", o.out, "Write the signed document here (default: stdout)");
  AddOpenSslConfigOption(*sign.command, o.openssl_config);
  AddCommonOptions(*sign.command, o.common);
  return sign;
}

int RunSign(const SignCommand& command, std::ostream& out, std::ostream& err) {
  const auto& o = *command.options;
  if (o.pkcs12.empty() && o.key.empty()) {
    return Fail(err, MakeError("cli.argument", "--key",
                               "give the signing key: --key and --cert, or --pkcs12"));
  }
  if (auto init = InitialiseCryptoFrom(o.openssl_config); !init) return Fail(err, init.error());
  auto credentials = LoadCredentials(o);
  if (!credentials) return Fail(err, credentials.error());
  auto signer = sign::MakeSigner(*credentials);
  if (!signer) return Fail(err, signer.error());
  auto setup = MakeValidation(o.common);
  if (!setup) return Fail(err, setup.error());
  auto read = ReadFileLimited(o.file, o.common.max_bytes);
  if (!read) return Fail(err, read.error());
  // Shared with the validation, so that a large report file stays where it is in the input, and
  // the signed document is written out around it rather than made a second time in memory.
  const auto bytes = std::make_shared<const std::string>(std::move(*read));

  auto validation = setup->validator->Validate(bytes, validate::InputFormat::kAuto, setup->context);
  if (!validation.verdict.valid()) {  // a valid verdict always comes with its tree
    PrintVerdictText(err, o.file, validation.verdict);
    return ExitFor(validation.verdict);
  }
  const std::string_view source = validation.Source(*bytes);
  auto signature = (*signer)->SignInPlace(*validation.tree, source, Now());
  if (!signature) return Fail(err, signature.error());
  const auto pieces = signature->Pieces(source);
  if (o.out.empty()) {
    for (const std::string_view piece : pieces) out << piece;
    return kExitOk;
  }
  if (auto written = WriteFileAtomically(o.out, pieces); !written) {
    return Fail(err, written.error());
  }
  out << o.out << ": signed (" << sign::Info((*signer)->algorithm()).description << ", "
      << (*signer)->certificate().subject << ")\n";
  return kExitOk;
}

VerifyCommand AddVerifyCommand(CLI::App& app, VerifyCommand::Options& o) {
  VerifyCommand verify;
  verify.options = &o;
  verify.command = app.add_subcommand(
      "verify",
      "Verify the signature of signed documents: digest, signature value, certificate chain to "
      "the trust store, validity at the signing time, key usage, CRLs and the enveloped profile. "
      "Exit 0 when all are valid, 1 when one is not, 2 when one cannot be read");
  verify.command->add_option("FILE", o.files, "Signed XML documents")
      ->required()
      ->check(CLI::ExistingFile);
  verify.command
      ->add_option("--trust", o.trust, "Trust store: a folder of CA certificates and CRLs")
      ->required()
      ->check(CLI::ExistingDirectory);
  verify.command->add_option(
      "--at", o.at,
      "Check the certificates at this UTC time, YYYY-MM-DDThh:mm:ss: when the document was "
      "received (default: now)");
  verify.command->add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddOpenSslConfigOption(*verify.command, o.openssl_config);
  AddCommonOptions(*verify.command, o.common);
  return verify;
}

int RunVerify(const VerifyCommand& command, std::ostream& out, std::ostream& err) {
  const auto& o = *command.options;
  std::optional<std::time_t> at;
  if (!o.at.empty()) {
    const auto parsed = DateTime::Parse(o.at);
    if (!parsed) {
      return Fail(err,
                  MakeError("cli.argument", "--at", "\"" + o.at + "\" is not " + DateTime::kForm));
    }
    at = std::chrono::system_clock::to_time_t(FromUtc(*parsed));
  }
  if (auto init = InitialiseCryptoFrom(o.openssl_config); !init) return Fail(err, init.error());
  auto trust = sign::TrustStore::Load(o.trust);
  if (!trust) return Fail(err, trust.error());
  const auto verifier = sign::MakeVerifier(*trust);
  auto setup = MakeValidation(o.common);
  if (!setup) return Fail(err, setup.error());

  int worst = kExitOk;
  Json all = Json::array();
  for (const auto& file : o.files) {
    auto bytes = ReadFileLimited(file, o.common.max_bytes);
    if (!bytes) {
      PrintVerdictText(err, file, UnreadableFile(bytes.error()));
      worst = kExitUnusable;
      continue;
    }
    auto validation =
        setup->validator->Validate(std::make_shared<const std::string>(std::move(*bytes)),
                                   validate::InputFormat::kXml, setup->context);
    if (!validation.tree) {
      PrintVerdictText(err, file, validation.verdict);
      worst = kExitUnusable;
      continue;
    }
    sign::VerifyOptions options;
    options.now = Now();
    options.signing_time = at;
    const auto verdict = verifier->Verify(*validation.tree, options);
    if (!verdict.valid) worst = std::max(worst, kExitInvalid);
    if (o.format == "json") {
      all.push_back(SignatureJson(file, verdict, validation.verdict));
    } else {
      PrintSignatureText(out, file, verdict, validation.verdict);
    }
  }
  if (o.format == "json") out << all.dump(2) << "\n";
  return worst;
}

}  // namespace eaeu::app
