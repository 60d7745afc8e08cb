// The redaction of one event payload (SPEC 3), independent of the plugin plumbing.
//
// Per event:
//  1. A scan of the top-level members (values skipped, not parsed) reads every meta.domain.
//     When none is exactly a key of `mediawiki_redacted_pages`, the event is left alone: this
//     is the whole cost for the events of other wikis.
//  2. Otherwise meta.stream and the rules' title paths are read; the first rule whose stream
//     matches and one of whose title paths holds a listed title (after normalisation, one hash
//     look-up per title) is applied: the event is written again with the rule's `remove`
//     members left out and its `empty` members' values replaced by {}, every other byte copied
//     as it is. Later rules are not tried (rule 3 of the defaults would otherwise remove the
//     `performer` that rule 1 just emptied in page_change events).
//
// Duplicated member names (which valid JSON allows) are all looked at: any meta.domain may
// select the event, any value at a title path may match, and every duplicate of a member to
// remove or empty is removed or emptied. A redactor is used by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json_scan.h"
#include "redaction_config.h"

namespace eventstreams::redaction {

// Member edits of one rule as a tree of names: "revision.editor" and "prior_state.revision.editor"
// share nothing, "a.b" and "a.c" share the node of "a".
struct EditTree {
  enum class Action { kDescend, kEmpty, kRemove };  // ordered: a later one wins on a member
  struct Entry {
    std::string name;
    Action action = Action::kDescend;
    std::size_t child = 0;  // node index, for kDescend
  };
  struct Node {
    std::vector<Entry> entries;
  };
  std::vector<Node> nodes{1};  // nodes[0]: the event object

  void add(const Path& path, Action action);
};

EditTree build_edit_tree(const Rule& rule);

// What a redaction matched, for the log.
struct Match {
  std::size_t rule = 0;  // index into the config's rules
  std::string domain;    // the listed meta.domain
  std::string stream;    // meta.stream ("" when absent)
  std::string title;     // the page title as the event has it
};

class Redactor {
 public:
  enum class Outcome {
    kUntouched,  // not about a listed page: leave the payload as it is
    kRedacted,   // `out` holds the redacted payload, `match` says why
    kMalformed,  // about a listed domain but not a readable JSON object: do not deliver it
  };

  explicit Redactor(std::shared_ptr<const RedactionConfig> config);

  // `payload` must not alias `out`.
  Outcome process(std::string_view payload, std::string& out, Match& match);

 private:
  struct Listed {
    std::string_view domain;  // the config's key
    const TitleSet* titles;
  };
  bool title_matches(std::string_view body, Match& match);

  std::shared_ptr<const RedactionConfig> config_;
  std::vector<EditTree> trees_;  // one per rule
  // Scratch, reused from event to event.
  std::vector<Listed> listed_;
  std::vector<std::string_view> streams_;  // raw bodies of every meta.stream
  std::vector<json::Member> members_;      // the event's top-level members
  std::string decoded_;
  std::string stream_;
  std::string normalised_;
};

}  // namespace eventstreams::redaction
