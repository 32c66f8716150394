// Results files of a sweep: a CSV and a JSON-lines file, written one complete
// line per finished point with a single O_APPEND write (a killed run leaves at
// most a torn last line, which recovery drops), and put into point order by an
// atomic rename at the end.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace qmac::sweep {

std::string csv_escape(const std::string& field);
std::string csv_line(const std::vector<std::string>& fields);  // with the trailing newline
std::vector<std::string> parse_csv_line(const std::string& line);

// Appends `line` (which ends in '\n') in one write and flushes it to disk.
void append_line(const std::string& path, const std::string& line);

// For --resume: drops a torn last line, checks the header (first line) and
// every complete row -- its field count, that its point id is one of
// `expected` (this sweep's, or this shard's, points, each with its swept
// values in column order) and that its swept values are that point's -- and
// returns the point ids of the rows kept. A row of another sweep is an
// InputError at file:line (never kept). Creates the file with the header when
// it doesn't exist. drop_failed: rows whose status is not `ok` are removed
// too (their points run again).
std::set<size_t> recover_csv(const std::string& path, const std::string& header_line,
                             const std::map<size_t, std::vector<std::string>>& expected, bool drop_failed = false);

// Keeps only the JSON lines whose "point" is in `keep`, first occurrence each,
// dropping a torn last line (a point whose CSV row was never written is re-run).
// A complete line that is not a results line is an InputError at file:line.
void recover_jsonl(const std::string& path, const std::set<size_t>& keep);

// Rewrites a results file with its rows sorted by point id (CSV: header kept,
// first field; JSON lines: the "point" key), via a temporary file and rename.
void sort_csv_by_point(const std::string& path);
void sort_jsonl_by_point(const std::string& path);


}  // namespace qmac::sweep
