#pragma once
// Many documents posted to the gateways' REST API at once with libcurl's multi interface: the
// crash and cluster tests and the end-to-end benchmark share it.
#include <curl/curl.h>

#include <functional>
#include <string>
#include <vector>

namespace eaeu::test {

// Posts every body as XML with `token`, body i to `urls[i % urls.size()]`, with at most
// `connections` in flight (0: all of them at once); `answered` is told of each answer as it comes:
// the body's index, the HTTP status (0: no answer) and the answer's body.
inline void SubmitMany(const std::vector<std::string>& urls, const std::string& token,
                       const std::vector<std::string>& bodies, long connections,
                       const std::function<void(size_t, long, const std::string&)>& answered) {
  struct Request {
    CURL* easy = nullptr;
    std::string reply;
    size_t index = 0;
  };
  const auto collect = +[](char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  };
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + token;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/xml");
  std::vector<Request> requests(bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    Request& r = requests[i];
    r.index = i;
    r.easy = curl_easy_init();
    curl_easy_setopt(r.easy, CURLOPT_URL, urls[i % urls.size()].c_str());
    curl_easy_setopt(r.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(r.easy, CURLOPT_POSTFIELDS, bodies[i].data());
    curl_easy_setopt(r.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(bodies[i].size()));
    curl_easy_setopt(r.easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(r.easy, CURLOPT_WRITEDATA, &r.reply);
    curl_easy_setopt(r.easy, CURLOPT_PRIVATE, &r);
    curl_multi_add_handle(multi, r.easy);
  }
  int running = 1;
  while (running > 0) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      Request* r = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
      answered(r->index, msg->data.result == CURLE_OK ? status : 0, r->reply);
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  for (auto& r : requests) {
    curl_multi_remove_handle(multi, r.easy);
    curl_easy_cleanup(r.easy);
  }
  curl_slist_free_all(headers);
  curl_multi_cleanup(multi);
}

}  // namespace eaeu::test
