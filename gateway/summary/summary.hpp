#pragma once
// The summary of inspection reports for a period (Table 4, TRN.005), read as documents-t234.md
// says (T4-R1 period, T4-R3 which reports and their validity date, RQ-R1/RQ-R2 filters): what the
// Commission answers a summary request with, and what the gateway builds by itself from the
// reports it sent and received. The sandbox and the gateway use the same reading.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/model.hpp"

namespace eaeu::summary {

// The line of Table 4 for a report (nullopt for an application without its report). The validity
// date is the report's, or its date + 3 years when it carried none (T4-R3). A device is listed once
// however many sites and groups name it; the certificate group (2.6.3) is left out, since Table 1
// gives the certificate's number only.
std::optional<model::t4::ReportLine> SummaryLineOf(const model::InspectionReport& report);

// Whether a line answers the request: its date within the period, both ends inclusive (T4-R1),
// the same country, and the manufacturer's name containing the one asked for (RQ-R2).
bool Matches(const model::SummaryRequest& request, const model::t4::ReportLine& line);

// Lower case (Latin, Cyrillic, Armenian) with runs of whitespace made one space and the ends
// trimmed: how names are compared (RQ-R2).
std::string FoldForMatch(std::string_view text);

// The lines of `reports` that answer `request`, one per report (a report sent again under a new
// EDocId, with the same number and country, counts once: the later one), in the order of their
// dates, then numbers.
std::vector<model::t4::ReportLine> Summarise(const model::SummaryRequest& request,
                                             const std::vector<model::t4::ReportLine>& reports);

// A summary as CSV for spreadsheets: one row per device of each report (a report without devices
// has one row), UTF-8 with a byte-order mark, the header naming each column in Russian and in
// English.
std::string SummaryCsv(const std::vector<model::t4::ReportLine>& lines);

}  // namespace eaeu::summary
