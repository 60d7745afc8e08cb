// A small HTTP server on 127.0.0.1 for schema fetches in tests: fixed answers per path, the
// headers of every request kept, and a path that never answers until the server stops.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace eventstreams::testing {

class LocalHttpServer {
 public:
  struct Answer {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
  };

  // `answers`: path -> answer; other paths are 404. `hang_path`: requests to it wait until
  // the server is destroyed (a fetch must give up on its own timeout).
  explicit LocalHttpServer(std::map<std::string, Answer> answers, std::string hang_path = "")
      : state_(std::make_shared<State>()) {
    state_->answers = std::move(answers);
    state_->hang_path = std::move(hang_path);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
    server_->start();
  }
  ~LocalHttpServer() {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->stopping = true;
    }
    state_->wake.notify_all();
    server_->stopAll(true);
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return static_cast<int>(state_->seen.size());
  }
  // The headers of the n-th request (name -> value), with its path under "path".
  std::map<std::string, std::string> request(int n) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->seen.at(static_cast<std::size_t>(n));
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::map<std::string, Answer> answers;
    std::string hang_path;
    std::vector<std::map<std::string, std::string>> seen;
  };

  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      const std::string path = request.getURI();
      Answer answer{404, "{}", "application/json"};
      {
        std::unique_lock<std::mutex> lock(state_->mutex);
        std::map<std::string, std::string> headers{{"path", path}};
        for (const auto& [name, value] : request) headers[name] = value;
        state_->seen.push_back(std::move(headers));
        if (!state_->hang_path.empty() && path == state_->hang_path) {
          state_->wake.wait(lock, [&] { return state_->stopping; });
          return;
        }
        if (auto it = state_->answers.find(path); it != state_->answers.end()) {
          answer = it->second;
        }
      }
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
      response.setContentType(answer.content_type);
      response.sendBuffer(answer.body.data(), answer.body.size());
    }

   private:
    std::shared_ptr<State> state_;
  };

  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(state_);
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
  Poco::UInt16 port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace eventstreams::testing
