#include "identity/identity_store.h"

namespace portico::identity {

int64_t ThrottlePolicy::DelayAfter(int failures) const {
  if (failures <= free_failures) return 0;
  int exponent = failures - free_failures - 1;
  if (exponent >= 30) return max_delay_seconds;
  int64_t delay = int64_t{1} << exponent;
  return delay < max_delay_seconds ? delay : max_delay_seconds;
}

}  // namespace portico::identity
