// JoiningService: how people come into an organization (MISSION M6, M7) — invitations sent by
// administrators and requests to join decided by the administrators of the requested location.
//
//   - An invitation names a location, rights and roles within the inviter's own authority
//     (Global rights and contact roles only from a Global Administrator; Location rights only
//     for a covered location). It is single-use, expires after 7 days, and only the person whose
//     verified Network sign-in address is the invited one can accept it.
//   - A request to join goes to the administrators covering the requested location, who see the
//     requester's name, preferred and sign-in address (verified or not) and whether it is a
//     private mailbox (M7, the site marks it), and approve or decline once.
//   - An organization that requires company e-mail (M7) refuses requests and acceptances from a
//     private mailbox's sign-in address.
// Refusals: kPermissionDenied, kFailedPrecondition (with a message for the person),
// kInvalidArgument, kNotFound. Thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "members/company_email.h"
#include "members/members_store.h"

namespace portico::members {

enum class InvitedRights { kNone, kLocation, kGlobal };

struct NewInvitation {
  std::string token;  // goes into the link; never stored
  Invitation invitation;
};

class JoiningService {
 public:
  // `private_mailboxes` (may be null: nothing counts as private) must outlive the service.
  JoiningService(MembersStore& store, Clock& clock, crypto::Random& random,
                 const PrivateMailboxes* private_mailboxes = nullptr,
                 int64_t invitation_seconds = 7 * 86400);

  StatusOr<NewInvitation> Invite(const Individual& actor, const std::string& organization_id,
                                 const std::string& location_id, std::string_view email,
                                 InvitedRights rights, const std::set<ContactRole>& roles);
  // Open invitations the actor may see: all for a Global Administrator, those of covered
  // locations for a Location Administrator.
  StatusOr<std::vector<Invitation>> OpenInvitations(const Individual& actor,
                                                    const std::string& organization_id);
  Status Revoke(const Individual& actor, const std::string& organization_id,
                const std::string& public_id);
  // The invitation behind a link, whatever its state. kNotFound.
  StatusOr<Invitation> Inspect(std::string_view token);
  // Errors: kPermissionDenied (another address), kFailedPrecondition (address not verified at
  // the Network), kNotFound (used, revoked or expired), kAlreadyExists (already a member).
  Status Accept(const Individual& person, std::string_view token);

  Status RequestToJoin(const Individual& person, const std::string& organization_id,
                       const std::string& location_id, std::string_view message);
  // Open requests for the locations the actor covers.
  StatusOr<std::vector<JoinRequest>> Requests(const Individual& actor,
                                              const std::string& organization_id);
  Status Decide(const Individual& actor, const std::string& organization_id,
                const std::string& request_id, bool approve);

  // The case-folded form invitations compare (ASCII lower case; the Network's own folding is
  // not available to a site, and the address the Network sends is the one it verified).
  static std::string AddressKey(std::string_view address);

 private:
  // kFailedPrecondition when the organization requires company e-mail and `person` signs in
  // with a private mailbox.
  Status CheckCompanyEmail(const Individual& person, const std::string& organization_id);
  StatusOr<Member> RequireAdmin(const Individual& actor, const std::string& organization_id);

  MembersStore& store_;
  Clock& clock_;
  crypto::Random& random_;
  const PrivateMailboxes* private_mailboxes_;
  int64_t invitation_seconds_;
};

}  // namespace portico::members
