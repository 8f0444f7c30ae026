#pragma once
// The Commission's side of TRN.005 as the sandbox plays it: the summary of the inspection reports
// it holds (Table 4) that answer a summary request, read as documents-t234.md says (T4-R1 period,
// T4-R3 which reports and their validity date, RQ-R1/RQ-R2 filters).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/model.hpp"

namespace eaeu::sandbox {

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

}  // namespace eaeu::sandbox
